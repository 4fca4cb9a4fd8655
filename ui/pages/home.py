"""Home: what needs the signed-in person now, by what their role does, with the way to each."""

import streamlit as st

from data.access import Role, allowed
from ui import homes, queue, resources
from ui.navigation import open_page
from ui.render import md_escape
from ui.state import show_flash

user, config, store = open_page(__file__)

st.title("Motive")
show_flash()
st.write(f"Hello, {md_escape(user.username)}.")

if allowed(user.role, "users.manage"):
    homes.administration(store, user)
if allowed(user.role, "interviews.assign"):
    homes.hiring(store, user, config.stages)
    homes.changes(store, user, config.stages)
if allowed(user.role, "privacy.manage"):
    homes.hr_duties(store, user)
if user.role == Role.INTERVIEWER or (allowed(user.role, "interviews.conduct") and homes.has_interviews(store, user)):
    listed = queue.assigned(store, user, config, resources.kits(config))
    homes.own_interviews(store, user, listed)
    st.page_link("ui/pages/candidates.py", label="Go to candidates", icon=":material/group:")
