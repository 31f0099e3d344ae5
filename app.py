"""Treatment plan assistant: ``streamlit run app.py`` (no configuration needed).

Data lives under TPA_DATA_DIR (default ~/.local/share/treatment-plan-assistant): a SQLite
plan store and the local knowledge index, both created on first use. The pages are in
``assistant/ui``; they call the same functions as the command line.
"""

from assistant.ui.main import run

run()
