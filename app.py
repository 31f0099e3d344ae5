"""Treatment plan assistant: ``streamlit run app.py`` (no configuration needed).

Data lives under TPA_DATA_DIR (default ~/.local/share/treatment-plan-assistant): a SQLite
plan store and the local knowledge index, both created on first use. The pages are in
``assistant/ui``; they call the same functions as the command line.

``app`` is what ``streamlit run`` serves: this same script behind security headers (a
content-security policy that keeps the page from fetching anything from elsewhere; see
``assistant/ui/headers.py``). Each session runs the script, which draws the pages.
"""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from assistant.ui.headers import middleware

app = st.App(__file__, middleware=middleware())

if get_script_run_ctx() is not None:
    from assistant.ui.main import run

    run()
