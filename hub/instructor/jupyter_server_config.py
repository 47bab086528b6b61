"""The instructor's JupyterLab on the hub: formgrader, Create Assignment, the Assignments tab.
教师的JupyterLab：评分界面、Create Assignment和Assignments标签页。"""
from pathlib import Path

c = get_config()  # noqa: F821
ROOT = Path(__file__).resolve().parents[2]

c.ServerApp.jpserver_extensions.update({
    "nbgrader.server_extensions.formgrader": True,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.course_list": True,
    "nbgrader.server_extensions.validate_assignment": True,
})
# Terminals: an interactive bash, not a login shell, which would reset PATH from /etc/profile
# and lose the venv (python, nbgrader, alembic) that the hub put first.
c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash"]}
c.LabApp.app_settings_dir = str(ROOT / "lab-settings")
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
