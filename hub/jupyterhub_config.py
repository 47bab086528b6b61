"""JupyterHub for a class on this course: `make hub` (as root; `make hub-setup` made the users).

One instructor and a list of students, real Unix users (hub/settings.py, hub/setup.py), log in
with their Unix passwords (PAM). Each gets a JupyterLab as their own user, in their own home:
students see the Assignments tab and Validate, the instructor formgrader and a terminal in which
`python -m course grade <assignment>` runs in ~/transformer-foundations. Listens on 127.0.0.1 only:
put https in front of it on a real server (README: "A class on JupyterHub").

一个教师账号和若干学生账号（真实的Unix用户，PAM密码登录）。只监听127.0.0.1。
"""
import os
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parent
ROOT = HUB.parent
sys.path.insert(0, str(HUB))
from settings import settings, user_environment  # noqa: E402

c = get_config()  # noqa: F821
CLASS = settings()
STATE = Path(CLASS["state"])
BIN = Path(sys.executable).parent  # the course's venv

# ---- network: loopback only; the proxy from npm (`make hub-setup` runs `npm ci` in hub/)
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = CLASS["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("TF_HUB_API_PORT", CLASS["port"] + 81))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('TF_HUB_PROXY_API_PORT', CLASS['port'] + 1))}"
c.ConfigurableHTTPProxy.command = [str(HUB / "node_modules" / ".bin" / "configurable-http-proxy")]
c.Spawner.ip = "127.0.0.1"

# ---- the hub's own files
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server
c.JupyterHub.cleanup_proxy = True

# ---- accounts: PAM (the Unix passwords hub/setup.py set). Another authenticator, e.g. the
# institution's single sign-on: c.JupyterHub.authenticator_class = "generic-oauth" (package
# oauthenticator) or "ldapauthenticator.LDAPAuthenticator", with the same user names.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no systemd-logind session per server
c.Authenticator.allowed_users = {CLASS["instructor"], *CLASS["students"]}
c.Authenticator.admin_users = set()  # no one opens another's server, the instructor neither

# ---- each user's JupyterLab: the venv's jupyterhub-singleuser, as the user, in their home
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120  # a busy machine
c.Spawner.http_timeout = 120


def per_user(spawner):
    """The role's Jupyter configuration (hub/instructor or hub/student) and the exchange."""
    spawner.environment = user_environment(spawner.user.name, CLASS, BIN)


c.Spawner.pre_spawn_hook = per_user
