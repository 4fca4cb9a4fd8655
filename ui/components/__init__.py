"""Motive's own Streamlit components: plain HTML, CSS and JavaScript shipped here, no build step, no network."""
