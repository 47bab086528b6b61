"""nbgrader's exchange, closed per student (the hub's nbgrader configuration selects these classes).

nbgrader's own exchange leaves a submission world-readable (its folder is 0777, its files 0644,
hidden only by an unguessable name: nbgrader #978), writes feedback 0644 under a hashed name, and
lets `nbgrader submit --student SOMEONE` hand in under anyone's name. Here:
- PrivateSubmit (student side): refuses a student id other than the Unix user, and closes the
  submission to its owner (0700, 0600) and, by an ACL, inbound/'s group (the instructors).
- OwnerCheckedCollect (instructor side): collects a submission only when its folder belongs to the
  Unix user it is named after, so a folder planted under another student's name is ignored; and
  copies only its plain files (course/vet.py). nbgrader's copy follows links as the instructor: a
  student's link to the instructor's gradebook.db or source/ notebook came back as a plain file in
  submitted/, read by their code during grading (and printed into their feedback), or graded as
  their answer.
- PrivateReleaseFeedback (instructor side): each feedback file is 0600 plus a read ACL for its
  own student only (setfacl, Debian's `acl` package).

交换目录按学生隔离：提交只有本人和教师组可读；收集时只认文件夹属主与学生名一致的提交，且只复制其中的普通文件（不跟随链接）；反馈文件只有对应学生可读。
"""
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile

from nbgrader.exchange.default import ExchangeCollect, ExchangeReleaseFeedback, ExchangeSubmit
from nbgrader.utils import get_username, notebook_hash

from course.vet import vetted_copy

FORGED = "!forged:"  # collect: a record whose folder is not its student's own


class PrivateSubmit(ExchangeSubmit):
    def init_dest(self):
        if self.coursedir.student_id not in ("*", "", get_username()):
            self.fail(f"只能以自己的名义提交 / you can submit only as yourself ({get_username()}), "
                      f"not as {self.coursedir.student_id}")
        super().init_dest()

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        for folder, _, files in os.walk(dest):
            os.chmod(folder, 0o700)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o600)
        # The instructors (inbound/'s group, which a student need not belong to) read and remove it.
        subprocess.run(["setfacl", "-R", "-m", f"g:{os.stat(self.inbound_path).st_gid}:rwX", dest], check=True)


class OwnerCheckedCollect(ExchangeCollect):
    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        info = os.lstat(path)
        try:
            owner = pwd.getpwuid(info.st_uid).pw_name
        except KeyError:
            owner = None
        if owner != record["username"] or not os.path.isdir(path) or os.path.islink(path):
            self.log.warning("Ignoring %s: it belongs to %s, not to %s / 忽略：提交者与学生名不符",
                             path, owner, record["username"])
            record["username"] = FORGED + record["username"]
        return record

    def init_src(self):
        super().init_src()
        self.src_records = [r for r in self.src_records if not r["username"].startswith(FORGED)]

    def do_copy(self, src, dest):
        with tempfile.TemporaryDirectory() as scratch:
            plain = os.path.join(scratch, "plain")
            for reason in vetted_copy(src, plain):
                self.log.warning("%s: %s", src, reason)
            super().do_copy(plain, dest)  # nbgrader's own exclusions and sizes, on files of its own


class PrivateReleaseFeedback(ExchangeReleaseFeedback):
    def copy_files(self):
        excluded = set(filter(None, (self.coursedir.student_id_exclude or "").split(",")))
        for html_file in glob.glob(os.path.join(self.src_path, "*.html")):
            regexp = re.escape(os.path.sep).join([
                self.coursedir.format_path(self.coursedir.feedback_directory, "(?P<student_id>.*)",
                                           self.coursedir.assignment_id, escape=True),
                "(?P<notebook_id>.*).html"])
            match = re.match(regexp, html_file)
            if match is None:
                self.log.error("Could not match '%s' with regexp '%s'", html_file, regexp)
                continue
            student_id, notebook_id = match.group("student_id"), match.group("notebook_id")
            if student_id in excluded:
                continue
            feedback_dir = os.path.dirname(html_file)
            with open(os.path.join(feedback_dir, "submission_secret.txt")) as fh:
                checksum = notebook_hash(secret=fh.read(), notebook_id=notebook_id)
            temporary = os.path.join(self.dest_path, f"{checksum}-tmp.html")
            shutil.copy(html_file, temporary)
            os.chmod(temporary, 0o600)
            subprocess.run(["setfacl", "-m", f"u:{student_id}:r", temporary], check=True)
            shutil.move(temporary, os.path.join(self.dest_path, f"{checksum}.html"))
            self.log.info("Feedback released to %s for %s (readable by them only)", checksum, student_id)
