"""The instructor's JupyterLab on the hub: formgrader, Create Assignment, the Assignments tab.
教师的JupyterLab：评分界面、Create Assignment和Assignments标签页。"""
from hub.settings import lab_server

lab_server(get_config(), instructor=True)  # noqa: F821
