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
  their answer. A folder name nbgrader cannot read is ignored (it stopped collect for the class).
  A submission's time is when it last changed (the latest ctime in its folder, course/vet.py
  last_change), not the time the student wrote into its name and timestamp.txt (nbgrader's late
  penalty, its choice of the latest submission and --before-duedate trusted those).
- PrivateReleaseFeedback (instructor side): each feedback file is 0600 plus a read ACL for its
  own student only (setfacl, Debian's `acl` package); only a notebook's feedback is released (an
  .html a student handed in sits beside it, and was released under a name the student chose); a
  name two students would share (a copied submission_secret.txt) goes to neither; a secret nbgrader
  cannot use stops that student's release only.
These two and InertList (`nbgrader list`, the instructor's) log through InertLog: the names they quote (an
inbound folder's, a handed-in file's) are the students' to choose, and the instructor reads the log in a terminal.

交换目录按学生隔离：提交只有本人和教师组可读；收集时只认文件夹属主与学生名一致的提交，且只复制其中的普通文件（不跟随链接），
名称无法解析的文件夹被忽略；提交的时间是它最后一次改动的时间（文件夹中最晚的ctime），而不是学生写在文件夹名和timestamp.txt中的时间；反馈文件只有对应学生可读，只发回笔记本的反馈，两名学生会共用的反馈文件名不发给任何一方；教师的日志中，学生起的名字里的控制字符写成转义序列。
"""
import glob
import logging
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from datetime import datetime, timezone

from nbgrader.exchange.default import ExchangeCollect, ExchangeList, ExchangeReleaseFeedback, ExchangeSubmit
from nbgrader.utils import get_username, notebook_hash

from course.limits import Limits
from course.table import shown_lines
from course.vet import last_change, vetted_copy

FORGED = "!forged:"  # collect: a record whose folder is not its student's own


class InertLog(logging.Filter):
    """A record's text with its control characters written as escapes (course/table.py): an escape sequence in a
    name a student chose could otherwise erase a line of the instructor's terminal, or forge one."""

    def filter(self, record):
        record.msg, record.args = shown_lines(record.getMessage()), ()
        return True


class InertlyLogged:
    """Mixed into an exchange class: while it runs, its app's log (nbgrader's own lines too) goes through InertLog
    (in formgrader, that log is the Jupyter server's, which it leaves as it was)."""

    def start(self):
        inert = InertLog()
        self.log.addFilter(inert)
        try:
            return super().start()
        finally:
            self.log.removeFilter(inert)


class PrivateSubmit(ExchangeSubmit):
    def init_dest(self):
        if self.coursedir.student_id not in ("*", "", get_username()):
            self.fail(f"只能以自己的名义（{get_username()}）提交，不能以{self.coursedir.student_id}的名义 / "
                      f"you can submit only as yourself ({get_username()}), not as {self.coursedir.student_id}")
        super().init_dest()

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        for folder, _, files in os.walk(dest):
            os.chmod(folder, 0o700)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o600)
        # The instructors (inbound/'s group, which a student need not belong to) read it.
        subprocess.run(["setfacl", "-R", "-m", f"g:{os.stat(self.inbound_path).st_gid}:rwX", dest], check=True)


class OwnerCheckedCollect(InertlyLogged, ExchangeCollect):
    def _path_to_record(self, path):
        try:
            record = super()._path_to_record(path)
            info = os.lstat(path)
        except Exception as error:  # a name a student chose, or a folder gone: not a submission
            self.log.warning("Ignoring %s: %r / 忽略：不是nbgrader的提交", path, error)
            return {"username": FORGED + os.path.basename(path), "filename": os.path.basename(path),
                    "timestamp": datetime.min}
        try:
            owner = pwd.getpwuid(info.st_uid).pw_name
        except KeyError:
            owner = None
        if owner != record["username"] or not os.path.isdir(path) or os.path.islink(path):
            if owner != record["username"]:
                self.log.warning("Ignoring %s: it belongs to %s, not to %s / 忽略：提交者%s与学生名%s不符",
                                 path, owner, record["username"], owner, record["username"])
            else:
                self.log.warning("Ignoring %s: not a folder / 忽略：不是文件夹", path)
            record["username"] = FORGED + record["username"]
        else:  # the time in the name is the student's to write: which submission is the latest, and
            # which came before the due date (--before-duedate), go by when it last changed
            record["timestamp"] = utc(last_change(path, Limits(parent=self)))
        return record

    def init_src(self):
        super().init_src()
        self.src_records = [r for r in self.src_records if not r["username"].startswith(FORGED)]

    def copy_files(self):
        records = self.src_records
        for record in records:  # one student's folder (gone, changed meanwhile) never ends the class's collect
            self.src_records = [record]
            try:
                super().copy_files()
            except Exception as error:
                self.log.error("Not collected: %s: %r / 未收集", record["filename"], error)
        self.src_records = records

    def do_copy(self, src, dest):
        limits = Limits(parent=self)
        with tempfile.TemporaryDirectory() as scratch:
            plain = os.path.join(scratch, "plain")
            for reason in vetted_copy(src, plain, limits):
                self.log.warning("%s: %s", src, reason)
            # nbgrader's late penalty reads timestamp.txt, which the student can rewrite after the
            # due date: it says instead when the submission last changed, read after the copy (the
            # same time as its record's when nothing changed since, so collect --update keeps it).
            changed = last_change(src, limits)
            stamp = os.path.join(plain, "timestamp.txt")
            if os.path.isdir(stamp):  # a folder the student named so
                shutil.rmtree(stamp)
            with open(stamp, "w") as file:
                file.write(utc(changed).strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
            os.utime(stamp, (changed, changed))
            super().do_copy(plain, dest)  # nbgrader's own exclusions and sizes, on files of its own


def utc(seconds):
    """A time as nbgrader's timestamps are compared: naive, in UTC."""
    return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)


class InertList(InertlyLogged, ExchangeList):
    """`nbgrader list --inbound` names the inbound folders, which students name."""


class PrivateReleaseFeedback(InertlyLogged, ExchangeReleaseFeedback):
    def copy_files(self):
        excluded = set(filter(None, (self.coursedir.student_id_exclude or "").split(",")))
        source = self.coursedir.format_path(self.coursedir.source_directory, ".", self.coursedir.assignment_id)
        notebooks = {os.path.basename(path)[:-len(".ipynb")] for path in glob.glob(os.path.join(source, "*.ipynb"))}
        regexp = re.escape(os.path.sep).join([
            self.coursedir.format_path(self.coursedir.feedback_directory, "(?P<student_id>.*)",
                                       self.coursedir.assignment_id, escape=True),
            "(?P<notebook_id>.*).html"])
        releases = []
        for html_file in glob.glob(os.path.join(self.src_path, "*.html")):
            match = re.match(regexp, html_file)
            if match is None:
                self.log.error("Could not match '%s' with regexp '%s'", html_file, regexp)
                continue
            student_id, notebook_id = match.group("student_id"), match.group("notebook_id")
            if student_id in excluded:
                continue
            if notebook_id not in notebooks:  # an .html the student handed in, copied beside the feedback
                self.log.warning("Not released: %s is no notebook's feedback / 不是笔记本的反馈，未发回", html_file)
                continue
            try:
                with open(os.path.join(os.path.dirname(html_file), "submission_secret.txt")) as fh:
                    releases.append((html_file, student_id, notebook_hash(secret=fh.read(), notebook_id=notebook_id)))
            except Exception as error:  # the student wrote the secret: one student's problem, not the class's
                self.log.error("Not released: %s: %r / 反馈未发回", html_file, error)
        # A student's feedback is named by their notebook and the secret they handed in, which a
        # student who learnt another's could copy: a name two students would share goes to neither.
        students = {}
        for _, student_id, checksum in releases:
            students.setdefault(checksum, set()).add(student_id)
        for html_file, student_id, checksum in releases:
            destination = os.path.join(self.dest_path, f"{checksum}.html")
            holders = students[checksum] | released_to(destination)
            if holders != {student_id}:
                self.log.error("Not released: %s would share its name with the feedback of %s / 反馈名称与他人相同，"
                               "未发回", html_file, ", ".join(sorted(holders - {student_id})))
                continue
            temporary = os.path.join(self.dest_path, f"{checksum}-tmp.html")
            shutil.copy(html_file, temporary)
            os.chmod(temporary, 0o600)
            subprocess.run(["setfacl", "-m", f"u:{student_id}:r", temporary], check=True)
            shutil.move(temporary, destination)
            self.log.info("Feedback released to %s for %s (readable by them only)", checksum, student_id)


def released_to(path):
    """The students a released feedback file is readable by (its ACL's named users)."""
    if not os.path.exists(path):
        return set()
    acl = subprocess.run(["getfacl", "--omit-header", "--absolute-names", path], capture_output=True, text=True,
                         check=True).stdout
    return {line.split(":")[1] for line in acl.splitlines() if line.startswith("user:") and line.split(":")[1]}
