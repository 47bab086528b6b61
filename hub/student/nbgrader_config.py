"""nbgrader for a student on the hub: the course's exchange; submissions closed to other students."""
import os

from course.preprocessors import validate_plain_copies

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "transformer-foundations"
c.Exchange.root = os.environ.get("TF_HUB_EXCHANGE", "/srv/nbgrader/exchange")
c.ExchangeFactory.submit = "hub.exchange.PrivateSubmit"
validate_plain_copies()  # Validate takes a pasted copy of a cell as grading does
