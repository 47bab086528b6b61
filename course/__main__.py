"""python -m course build | check | grade | simulate"""
import argparse
import os
import sys
from pathlib import Path


def main(argv=None):
    # nbgrader runs `alembic` from PATH when it creates a gradebook: this Python's bin/ (the venv's) goes
    # first, for nbgrader in this process and in every process it starts, activated venv or not.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    parser = argparse.ArgumentParser(prog="python -m course", description="Transformer Foundations")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="regenerate release/ from source/ / 由source/重新生成release/")
    build.add_argument("--lang", choices=["both", "zh", "en"], default="both")
    build.add_argument("--release-dir", default="release")
    build.add_argument("assignment", nargs="*", help="default: all / 默认全部")

    check = commands.add_parser("check", help="grade one notebook against the hidden tests / 用隐藏测试检查一个笔记本")
    check.add_argument("notebook")

    commands.add_parser("demo", help="grade the bundled sample class / 为示例班级自动评分")

    grade = commands.add_parser("grade", help="autograde a class in parallel, then report / 并行为全班自动评分并生成报告")
    grade.add_argument("assignment")
    grade.add_argument("--jobs", type=int, help="worker processes (default: cores + 1) / 并行进程数（默认为核心数加一）")
    grade.add_argument("--student", nargs="+", action="extend", default=[], help="only these students / 只评这些学生")
    grade.add_argument("--force", action="store_true", help="regrade unchanged submissions too / 重新评已评过的提交")
    grade.add_argument("--db", help="gradebook URL, e.g. postgresql+psycopg2://user@host/db / 成绩册地址")
    grade.add_argument("--course", default=".", help="course directory (default: here) / 课程目录（默认当前目录）")
    grade.add_argument("--no-feedback", action="store_true",
                       help="skip the students' feedback HTML (nbgrader generate_feedback can write it later) / 不生成学生反馈HTML")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="run student code without bubblewrap (it gets your permissions) / 不用沙箱运行学生代码（它将拥有你的权限）")

    report = commands.add_parser("report", help="rewrite the class report from the gradebook / 由成绩册重新生成班级报告")
    report.add_argument("assignment")
    report.add_argument("--db", help="gradebook URL / 成绩册地址")
    report.add_argument("--course", default=".")

    simulate = commands.add_parser("simulate", help="make a synthetic class in submitted/ / 在submitted/中生成模拟班级")
    simulate.add_argument("students", type=int)
    simulate.add_argument("--seed", type=int, default=0)
    simulate.add_argument("--course", default=".")

    args = parser.parse_args(argv)
    if args.command == "build":
        from .build import build as run
        run(lang=args.lang, release_dir=args.release_dir, only=args.assignment)
    elif args.command == "demo":
        from .demo import main as run
        run()
    elif args.command == "grade":
        from .grade import main as run
        run(args.assignment, args.course, args.jobs, args.student, args.force,
            ([f"--CourseDirectory.db_url={args.db}"] if args.db else [])
            + (["--TrustedExecute.sandbox=False"] if args.no_sandbox else []), with_feedback=not args.no_feedback)
    elif args.command == "report":
        from .report import main as run
        run(args.assignment, args.course, args.db)
    elif args.command == "simulate":
        from .simulate import main as run
        run(args.students, args.seed, args.course)
    elif args.command == "check":
        from .self_check import main as run
        raise SystemExit(run(args.notebook))


if __name__ == "__main__":
    main()
