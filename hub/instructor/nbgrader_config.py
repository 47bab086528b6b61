"""nbgrader for the instructor on the hub: the course's own nbgrader_config.py (sandboxed grading,
the hidden-test-free feedback), in the course directory of their home, with the class's exchange.
教师的nbgrader配置：课程自己的nbgrader_config.py（评分沙箱开启），加上班级的交换目录。"""
import os

c = get_config()  # noqa: F821
COURSE = os.environ["TF_COURSE_DIR"]  # set by hub/jupyterhub_config.py
load_subconfig(os.path.join(COURSE, "nbgrader_config.py"))  # noqa: F821
c.CourseDirectory.root = COURSE
c.CourseDirectory.db_url = f"sqlite:///{os.path.join(COURSE, 'gradebook.db')}"  # whatever the folder
c.TrustedExecute.sandbox = True
c.Exchange.root = os.environ.get("TF_HUB_EXCHANGE", "/srv/nbgrader/exchange")
c.ExchangeFactory.collect = "hub.exchange.OwnerCheckedCollect"
c.ExchangeFactory.release_feedback = "hub.exchange.PrivateReleaseFeedback"
c.ExchangeFactory.list = "hub.exchange.InertList"  # names in the inbound folder are written out inertly
