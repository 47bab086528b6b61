"""A student's JupyterLab on the hub: the Assignments tab and Validate; no formgrader, no news pop-up.
学生的JupyterLab：有Assignments标签页和Validate按钮，没有评分界面。"""
from hub.settings import lab_server

lab_server(get_config(), instructor=False)  # noqa: F821
