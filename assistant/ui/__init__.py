"""The Streamlit face of the assistant (``streamlit run app.py``).

Pages are thin: widgets, calls into ``assistant`` (the same functions the CLI calls), and
rendering. ``main.run()`` builds the navigation for the signed-in user's role.
"""
