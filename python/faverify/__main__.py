"""python3 -m faverify check FILE.py: runs the user claims a file declares (faverify.user).

Prints each (claim, scalar) verdict as fa-claims does, writes report/parts/<ID>.<scalar>.json
for `fa-report write` (unless --no-report), and exits 0 when every verdict is the expected one
(with --strict, also every claim has a falsifier that flips in each of its scalars), 1
otherwise, 2 on bad usage, 130 on Ctrl-C (the parts of the claims and scalars finished by then
are written).
"""

import argparse
import sys


def _parser():
    p = argparse.ArgumentParser(prog="python3 -m faverify",
                                description="Checks user claims (faverify.user) like ours.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="run the claims of a Python file")
    c.add_argument("file", help="a Python file declaring claims with @faverify.user.claim")
    c.add_argument("--only", nargs="+", metavar="ID", help="only these claim ids")
    c.add_argument("--scalar", choices=["double", "mp"], help="only this scalar")
    c.add_argument("--falsifier", metavar="NAME",
                   help="run only this falsifier (in --scalar, else in each of the claim's "
                        "scalars)")
    c.add_argument("--seed", type=int, help="Hypothesis seed (default: the claim's own)")
    c.add_argument("--cases", type=int, help="cases per scalar (default: the claim's)")
    c.add_argument("--no-falsifiers", action="store_true", help="skip the falsifiers")
    c.add_argument("--report-dir", help="where parts/ goes (default $FA_REPORT_DIR, else report)")
    c.add_argument("--no-report", action="store_true", help="write no report part")
    c.add_argument("--strict", action="store_true",
                   help="also fail (exit 1) when a claim has no falsifier that flips")
    return p


def main(argv=None):
    args = _parser().parse_args(argv)
    from . import InputError
    from .user import load_claims

    try:
        try:
            claims = load_claims(args.file)
        except (InputError, TypeError):
            raise
        except Exception:  # the user's file itself fails: its traceback, then a usage error
            import traceback

            traceback.print_exc()
            print(f"faverify: {args.file}: the file could not be loaded (the traceback above)",
                  file=sys.stderr)
            return 2
        if args.only:
            unknown = set(args.only) - {c.id for c in claims}
            if unknown:
                raise InputError(f"{args.file}: no claim {', '.join(sorted(unknown))} (it "
                                 f"declares {', '.join(c.id for c in claims) or 'none'})")
            claims = [c for c in claims if c.id in args.only]
        if not claims:
            raise InputError(f"{args.file}: declares no claim (@faverify.user.claim)")
        if args.cases is not None and args.cases < 1:
            raise InputError(f"--cases {args.cases}: must be >= 1")
    except (InputError, TypeError) as e:
        print(f"faverify: {e}", file=sys.stderr)
        return 2

    ok = True
    finished = []
    try:
        for c in claims:
            if args.falsifier is not None:
                if args.falsifier not in c.falsifiers:
                    print(f"faverify: claim {c.id} has no falsifier {args.falsifier!r} "
                          f"({', '.join(c.falsifiers) or 'none'})", file=sys.stderr)
                    return 2
                for scalar in [args.scalar] if args.scalar else c.scalars:
                    row = c._run(scalar, args.falsifier, args.seed, args.cases)
                    print(row.text(), flush=True)
                    ok &= row.as_expected
                continue
            report = c.check(scalars=[args.scalar] if args.scalar else None,
                             falsifiers=not args.no_falsifiers, seed=args.seed,
                             cases=args.cases, write=not args.no_report,
                             report_dir=args.report_dir,
                             out=lambda row: print(row.text(), flush=True))
            finished.append(report)
            if not report.falsifier_flipped and not args.no_falsifiers:
                for r in report.rows:
                    if not report.flipped_in(r.scalar):
                        print(f"{c.id} [{r.scalar}]: UNCHECKED: no falsifier flips in "
                              f"{r.scalar}, so this check is not shown to be able to fail there",
                              flush=True)
                ok &= not args.strict
            ok &= report.as_expected
    except KeyboardInterrupt:
        print(f"faverify: interrupted; finished claims: "
              f"{', '.join(r.claim.id for r in finished) or 'none'} (their parts, and the "
              f"finished scalars of the interrupted claim, are written)", file=sys.stderr)
        return 130
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
