"""`python -m course COMMAND`: the course's command line. Every command works on the course folder
given by --course (default: the current folder), wherever the package is installed.

  build [ASSIGNMENT ...]   regenerate release/ from source/ (nbgrader generate_assignment)
  check NOTEBOOK           grade one notebook against the hidden tests, in a throw-away copy of the course
  demo                     put the bundled sample class in submitted/, grade it, print its scores
  grade ASSIGNMENT ...     autograde a class in parallel; grades, feedback and the class report
                           (several assignments: in turn, by this one process)
                           (--broker redis://:PASSWORD@HOST:PORT/N: on the workers of several machines)
  report ASSIGNMENT        rewrite the class report from the gradebook
  simulate N               make a synthetic class of N students in submitted/
  worker                   grade for a `grade --broker` run on this machine (course/distributed.py)

A problem the user has to fix (course.CourseError) ends the command with its bilingual message and
exit status 1; `check` exits with 2 when it cannot grade the notebook.
"""
import argparse
import os
import signal
import sys
from pathlib import Path

# The grader's own arithmetic is small: one BLAS thread, not one per core, whose stacks and buffers
# would count toward Limits.grader_memory in every worker. Set before anything imports NumPy.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from . import CourseError, default_jobs  # noqa: E402

BROKER_ENV = "COURSE_BROKER_URL"


def main(argv=None):
    # nbgrader runs `alembic` from PATH when it creates a gradebook: this Python's bin/ (the venv's) goes
    # first, for nbgrader in this process and in every process it starts, activated venv or not.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    parser = argparse.ArgumentParser(prog="python -m course", description="Transformer Foundations · Transformer基础")
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", default=".", help="course directory (default: here) / 课程目录（默认当前目录）")

    build = commands.add_parser("build", parents=[common], help="regenerate release/ from source/ / 由source/重新生成release/")
    build.add_argument("--lang", choices=["both", "zh", "en"], default="both",
                       help="languages of the release notebooks (default: both) / 学生版笔记本的语言（默认两种）")
    build.add_argument("--release-dir", default="release", help="where to write (default: release) / 输出目录（默认release）")
    build.add_argument("assignment", nargs="*", help="default: all / 默认全部")

    check = commands.add_parser("check", parents=[common],
                                help="grade one notebook against the hidden tests / 用隐藏测试检查一个笔记本")
    check.add_argument("notebook", help="a notebook of an assignment, e.g. release/01_softmax/softmax.ipynb / "
                       "一个作业的笔记本，例如release/01_softmax/softmax.ipynb")
    check.add_argument("--no-sandbox", action="store_true",
                       help="run the notebook's code without bubblewrap (your own code, with your permissions) / "
                            "不用沙箱运行笔记本的代码（你自己的代码，拥有你的权限）")

    commands.add_parser("demo", parents=[common], help="grade the bundled sample class / 为示例班级自动评分")

    grade = commands.add_parser("grade", parents=[common],
                                help="autograde a class in parallel, then report / 并行为全班自动评分并生成报告")
    grade.add_argument("assignment", nargs="+",
                       help="e.g. 01_softmax; several are graded in turn by this one command, which starts once / "
                            "作业名，例如01_softmax；可给多个，由这一条命令依次评分，只需启动一次")
    grade.add_argument("--jobs", type=int, help="worker processes (default: one per core) / 并行进程数（默认每个核心一个）")
    grade.add_argument("--student", nargs="+", action="extend", default=[], help="only these students / 只评这些学生")
    grade.add_argument("--force", action="store_true", help="regrade unchanged submissions too / 重新评已评过的提交")
    grade.add_argument("--db", help="gradebook URL, e.g. postgresql+psycopg2://user@host/db / 成绩册地址，例如postgresql+psycopg2://user@host/db")
    grade.add_argument("--no-feedback", action="store_true",
                       help="skip the students' feedback HTML (nbgrader generate_feedback can write it later) / 不生成学生反馈HTML（之后可用nbgrader generate_feedback生成）")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="run student code without bubblewrap (it gets your permissions) / 不用沙箱运行学生代码（它将拥有你的权限）")
    grade.add_argument("--broker", nargs="?", const="", help="Redis URL with its password, redis://:PASSWORD@HOST:PORT/N: "
                       f"grade on the workers of several machines (python -m course worker); without URL: ${BROKER_ENV} "
                       f"/ 含密码的Redis地址redis://:PASSWORD@HOST:PORT/N：由多台机器上的评分机（python -m course worker）评分；不给地址时用${BROKER_ENV}")

    worker = commands.add_parser("worker", parents=[common],
                                 help="grade tasks from a broker, for `grade --broker` / 为grade --broker评分的评分机")
    worker.add_argument("--broker", default="", help=f"Redis URL with its password (default: ${BROKER_ENV}) / 含密码的Redis地址（默认：${BROKER_ENV}）")
    worker.add_argument("--db", help="the shared gradebook, postgresql+psycopg2://user:password@host/db / 共享成绩册地址，postgresql+psycopg2://user:password@host/db")
    worker.add_argument("--jobs", type=int, help="submissions graded at once (default: one per core) / 同时评分的提交数（默认每个核心一个）")
    worker.add_argument("--name", help="this worker's name (default: host name and process id) / 评分机名称（默认：主机名和进程号）")
    worker.add_argument("--no-sandbox", action="store_true",
                        help="run student code without bubblewrap (it gets your permissions) / 不用沙箱运行学生代码（它将拥有你的权限）")

    report = commands.add_parser("report", parents=[common],
                                 help="rewrite the class report from the gradebook / 由成绩册重新生成班级报告")
    report.add_argument("assignment", help="e.g. 01_softmax / 作业名，例如01_softmax")
    report.add_argument("--db", help="gradebook URL / 成绩册地址")

    simulate = commands.add_parser("simulate", parents=[common],
                                   help="make a synthetic class in submitted/ / 在submitted/中生成模拟班级")
    simulate.add_argument("students", type=int, help="how many students / 学生人数")
    simulate.add_argument("--seed", type=int, default=0, help="random seed (default: 0) / 随机种子（默认0）")

    args = parser.parse_args(argv)
    course = Path(args.course).resolve()
    try:
        require_course(course)
        return run(args, course)
    except CourseError as error:
        raise SystemExit(str(error)) from None


def require_course(course):
    """CourseError unless `course` is a course folder: its nbgrader_config.py and source/ can be read (every command
    works on one; `check` from elsewhere, e.g. a student's home on the hub, ended in a traceback)."""
    try:
        found = (course / "nbgrader_config.py").is_file() and bool(list((course / "source").iterdir()))
    except OSError:
        found = False
    if not found:
        raise CourseError(f"{course}不是可读的课程文件夹（应有nbgrader_config.py和source/）：请在课程文件夹中运行，或用--course指定\n"
                          f"{course} is not a course folder that can be read (with nbgrader_config.py and source/): "
                          "run from the course folder, or name it with --course.")


def run(args, course):
    if args.command == "build":
        from .build import build
        build(lang=args.lang, root=course, release_dir=args.release_dir, only=args.assignment, verbose=True)
    elif args.command == "demo":
        from .demo import main
        main(course)
    elif args.command == "grade":
        from .kernel_fork import EarlyServers

        # A closed terminal (SIGHUP) or a `kill` (SIGTERM) stops the run as Ctrl-C does: the workers are
        # stopped and what their unfinished attempts wrote is undone, instead of the process just ending.
        for stop in (signal.SIGHUP, signal.SIGTERM):
            signal.signal(stop, signal.default_int_handler)
        assignments = list(dict.fromkeys(args.assignment))  # in the order given, each once
        known = {folder.name for folder in (course / "source").iterdir() if folder.is_dir()}
        unknown = [a for a in assignments if a not in known]
        if unknown:  # before any is graded, not after the others
            raise CourseError(f"source/里没有这些作业：{', '.join(unknown)}\n"
                              f"source/ has no such assignment: {', '.join(unknown)}")
        misplaced = [s for s in args.student if s in known]
        if misplaced:  # `--student ada 02_sigmoid` takes the assignment for a student's name
            raise CourseError(f"--student后面的{', '.join(misplaced)}是作业：请把作业写在--student之前\n"
                              f"{', '.join(misplaced)} after --student is an assignment: name the assignments "
                              "before --student.")
        # the fork servers are launched before nbgrader is imported, and have imported by the time the first
        # workers need them; they are kept from one assignment to the next (EarlyServers.give_back)
        count = 0 if args.broker is not None else min(args.jobs or default_jobs(), len(args.student) or sys.maxsize)
        with EarlyServers(course, assignments, count, sandboxed=not args.no_sandbox) as early:
            for done, assignment in enumerate(assignments):
                from .grade import main
                try:
                    main(assignment, course, args.jobs, args.student, args.force,
                         ([f"--CourseDirectory.db_url={args.db}"] if args.db else [])
                         + (["--TrustedExecute.sandbox=False"] if args.no_sandbox else []),
                         with_feedback=not args.no_feedback,
                         broker=None if args.broker is None else broker_url(args.broker), early=early,
                         after=next(iter(assignments[done + 1:]), None))
                except CourseError as error:
                    if len(assignments) == 1:
                        raise
                    raise CourseError(f"{error}\n{not_graded(assignments[done:], assignments[:done])}") from None
                except KeyboardInterrupt:  # Ctrl-C, SIGTERM, SIGHUP: this one's workers are stopped and undone
                    if len(assignments) > 1:
                        print(not_graded(assignments[done:], assignments[:done]), file=sys.stderr, flush=True)
                    raise
        exit_at_once(0)  # everything is written and every worker, server and kernel has ended
    elif args.command == "worker":
        import socket

        from .distributed import worker_main
        worker_main(broker_url(args.broker), course, ([f"--CourseDirectory.db_url={args.db}"] if args.db else [])
                    + (["--TrustedExecute.sandbox=False"] if args.no_sandbox else []),
                    args.jobs or default_jobs(), args.name or f"{socket.gethostname()}-{os.getpid()}")
    elif args.command == "report":
        from .report import main
        main(args.assignment, course, args.db)
    elif args.command == "simulate":
        from .simulate import main
        main(args.students, args.seed, course)
    elif args.command == "check":
        from .self_check import main
        # the verdict is printed and the throw-away course is gone
        exit_at_once(main(args.notebook, course, sandboxed=not args.no_sandbox))


def exit_at_once(status):
    """End the process without tearing down the ~1,500 modules it imported: 0.3–0.7 s of one core
    after the last line is printed (the instructor waits for it once per assignment, a student for each
    check). Only once everything is written and closed; no atexit handler of ours is left to run."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def not_graded(left, done):
    """What a `course grade` of several assignments says when one of them (left[0]) could not be graded to the end."""
    graded = ", ".join(done) or "—"
    return (f"未评完：{', '.join(left)}（已评完：{graded}）\n"
            f"Not finished: {', '.join(left)} (finished: {graded})")


def broker_url(given):
    """The broker's URL: as given, else from the environment (which, unlike the command line, other
    users of the machine cannot read in the process list)."""
    url = given or os.environ.get(BROKER_ENV, "")
    if not url:
        raise CourseError(f"没有任务代理地址：请用 --broker URL 或设置 ${BROKER_ENV}\n"
                          f"No broker URL: pass --broker URL or set ${BROKER_ENV}.")
    return url


if __name__ == "__main__":
    main()
