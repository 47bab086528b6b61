"""python -m course build | check | grade | simulate"""
import argparse


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course", description="Transformer Foundations")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="regenerate release/ from source/ / 由source/重新生成release/")
    build.add_argument("--lang", choices=["both", "zh", "en"], default="both")
    build.add_argument("--release-dir", default="release")
    build.add_argument("assignment", nargs="*", help="default: all / 默认全部")

    check = commands.add_parser("check", help="grade one notebook against the hidden tests / 用隐藏测试检查一个笔记本")
    check.add_argument("notebook")

    commands.add_parser("demo", help="grade the bundled sample class / 为示例班级自动评分")

    args = parser.parse_args(argv)
    if args.command == "build":
        from .build import build as run
        run(lang=args.lang, release_dir=args.release_dir, only=args.assignment)
    elif args.command == "demo":
        from .demo import main as run
        run()
    elif args.command == "check":
        from .self_check import main as run
        raise SystemExit(run(args.notebook))


if __name__ == "__main__":
    main()
