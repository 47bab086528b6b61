"""JupyterLab for the course: `make lab` runs `jupyter lab --config=jupyter_lab_config.py`.

JupyterLab课程配置：以项目根目录为工作区和nbgrader课程目录，启用nbgrader扩展，并打开课程首页index.ipynb。
The project root is both the server's root and nbgrader's course directory (formgrader and the
Validate button read ./nbgrader_config.py, so start the lab from here); nbgrader's server
extensions are switched on explicitly, whatever the machine's own Jupyter settings say; and
the lab opens on the course's starting page, index.ipynb. JupyterLab's default settings come
from lab-settings/overrides.json: no "Would you like to get notified about official Jupyter
news?" pop-up over the lesson, no update check.
"""
from pathlib import Path

from course import UNLISTED

c = get_config()  # noqa: F821 (provided by traitlets when Jupyter loads this file)

COURSE = Path(__file__).resolve().parent

c.ServerApp.root_dir = str(COURSE)
c.ServerApp.jpserver_extensions.update({
    # 教师：评分界面，只经course/formgrader_escaping.py加载 / instructors: formgrader, loaded only through it
    "course.formgrader_escaping": True,
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.validate_assignment": True,  # 学生：Validate按钮 / students: Validate button
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.course_list": True,
})
c.LabApp.default_url = "/lab/tree/index.ipynb"
# 关闭Jupyter新闻弹窗和更新检查 / no news pop-up, no update check (defaults a user may still change)
c.LabApp.app_settings_dir = str(COURSE / "lab-settings")
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.ContentsManager.hide_globs = UNLISTED  # e.g. gradebook.db-journal: see course/__init__.py
