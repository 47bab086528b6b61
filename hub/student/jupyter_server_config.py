"""A student's JupyterLab on the hub: the Assignments tab and Validate; no formgrader, no news pop-up.
学生的JupyterLab：有Assignments标签页和Validate按钮，没有评分界面。"""
from pathlib import Path

c = get_config()  # noqa: F821
ROOT = Path(__file__).resolve().parents[2]

c.ServerApp.jpserver_extensions.update({
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.validate_assignment": True,
})
# Terminals: an interactive bash, not a login shell, which would reset PATH from /etc/profile
# and lose the venv (python, nbgrader, alembic) that the hub put first.
c.ServerApp.terminado_settings = {"shell_command": ["/bin/bash"]}
c.LabApp.app_settings_dir = str(ROOT / "lab-settings")
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
