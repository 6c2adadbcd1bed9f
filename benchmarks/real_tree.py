"""A seeded tree shaped like a real Leverage landing zone, for the benchmark's "real-size" case.

The 1x/10x repositories repeat one account shape. A real reference-architecture checkout is less
regular: 7 accounts with different layer sets, two regions, layers of 3 to 25 files (k8s
components, security baselines), a few large files (IAM policies in heredocs, long locals maps),
more disabled layers (` --`), symlinked shared files at several depths, and non-Terraform files
beside them (READMEs, Makefiles, keys). About 960 `.tf`/`.tfvars` files.

    python benchmarks/real_tree.py OUT_DIR [--seed 11]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from generate import config_tf, header, identities, locals_tf, outputs_tf, resource_tf, variables_tf, write

ACCOUNTS = ("management", "security", "shared", "network", "apps-devstg", "apps-prd", "data-science")
# (layer, files beyond the usual five, chance an account has it)
CATALOGUE = (
    ("base-tf-backend", 0, 1.0),
    ("security-base", 4, 1.0),
    ("security-compliance", 4, 0.7),
    ("security-keys", 1, 0.9),
    ("security-firewall", 3, 0.4),
    ("base-network", 3, 0.9),
    ("network-firewall", 2, 0.3),
    ("transit-gateway", 2, 0.3),
    ("notifications", 1, 0.8),
    ("secrets-manager", 1, 0.7),
    ("storage", 2, 0.7),
    ("databases-aurora", 3, 0.5),
    ("databases-mysql", 2, 0.5),
    ("databases-pgsql", 2, 0.5),
    ("k8s-eks/cluster", 5, 0.6),
    ("k8s-eks/identities", 2, 0.6),
    ("k8s-eks/k8s-components", 12, 0.6),
    ("k8s-eks/addons", 6, 0.5),
    ("tools-vpn-server", 2, 0.4),
    ("tools-jenkins", 4, 0.3),
    ("tools-prometheus", 4, 0.3),
    ("cdn-s3-frontend", 2, 0.5),
    ("ec2-fleet", 3, 0.4),
    ("aws-backup", 1, 0.6),
    ("cost-mgmt", 1, 0.4),
)
DISABLED = ("k8s-kind --", "ec2-basic-layout --", "databases-mssql --", "tools-eskibana --")


def policy_tf(name: str, rng: random.Random) -> str:
    """An IAM policy in a heredoc: a large file with little HCL structure, as real ones are."""
    statements = ",\n".join(
        f'''    {{
      "Sid": "{name.title().replace("-", "")}{i}",
      "Effect": "Allow",
      "Action": [{", ".join(f'"{rng.choice(["s3", "ec2", "kms", "iam", "logs"])}:{rng.choice(["Get", "List", "Put", "Describe"])}*"' for _ in range(rng.randint(3, 9)))}],
      "Resource": "arn:aws:{rng.choice(["s3", "kms", "logs"])}:::${{var.project}}-{name}-{i}/*"
    }}'''
        for i in range(rng.randint(4, 14))
    )
    return f'''{header("Policy: " + name)}resource "aws_iam_policy" "{name.replace("-", "_")}" {{
  name   = "{name}"
  policy = <<EOF
{{
  "Version": "2012-10-17",
  "Statement": [
{statements}
  ]
}}
EOF
}}
'''


def extra_tf(layer: str, index: int, rng: random.Random) -> str:
    return policy_tf(f"{layer.split('/')[-1]}-{index}", rng) if rng.random() < 0.25 else resource_tf(layer, rng)


def real_layer(root: Path, account: str, region: str, name: str, extra: int, rng: random.Random) -> int:
    directory = root / account / region / name
    write(directory / "config.tf", config_tf(account, name, rng))
    write(directory / "variables.tf", variables_tf(rng))
    write(directory / "locals.tf", locals_tf(account, name))
    write(directory / f"{name.split('/')[-1].rstrip(' -')}.tf", resource_tf(name, rng))
    write(directory / "outputs.tf", outputs_tf(name, rng))
    for i in range(extra):
        write(directory / f"{name.split('/')[-1].rstrip(' -')}-{i}.tf", extra_tf(name, i, rng))
    if rng.random() < 0.5:
        write(directory / "README.md", f"# {name}\n\nSee the runbook before applying.\n")
    depth = len(directory.relative_to(root).parts)
    (directory / "common-variables.tf").symlink_to("../" * depth + "config/common-variables.tf")
    return 6 + extra


def generate_real(out: Path, seed: int = 11) -> Path:
    """The real-size tree; its .tf/.tfvars count is printed by main() and given in BENCHMARKS.md."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write(out / "build.env", "PROJECT=bb\nMFA_ENABLED=true\nTERRAFORM_IMAGE_TAG=1.6.0-0.2.0\n")
    write(out / "Makefile", "include build.env\n\nhelp:\n\t@echo leverage\n")
    accounts = "\n".join(
        f'  {n} = {{\n    email = "aws+{n}@example.com",\n    id    = "{200000000000 + i}"\n  }}'
        for i, n in enumerate(ACCOUNTS)
    )
    write(
        out / "config" / "common.tfvars",
        f'project = "bb"\nregion_primary = "us-east-1"\n\naccounts = {{\n{accounts}\n}}\n',
    )
    write(
        out / "config" / "common-variables.tf",
        "".join(
            f'variable "{v}" {{\n  type = string\n}}\n\n' for v in ("project", "region_primary", "profile", "bucket")
        ),
    )
    for index, account in enumerate(ACCOUNTS):
        management = index == 0
        profile = f"bb-{account}-oaar" if index < 3 else f"bb-{account}-devops"
        write(
            out / account / "config" / "backend.tfvars",
            f'profile = "{profile}"\nbucket = "bb-{account}-terraform-backend"\nregion = "us-east-1"\nencrypt = true\n',
        )
        write(out / account / "config" / "account.tfvars", f'environment = "{account}"\n')
        identities(out, account, management, rng)
        for name, extra, chance in CATALOGUE:
            if rng.random() < chance * 0.85:
                real_layer(out, account, "us-east-1", name, extra // 2 + rng.randint(0, 1), rng)
            if name == "base-network" or (name in ("storage", "aws-backup") and rng.random() < 0.5):
                real_layer(out, account, "us-east-2", name, rng.randint(0, 2), rng)
        for name in rng.sample(DISABLED, rng.randint(1, 3)):
            real_layer(out, account, "us-east-1", name, rng.randint(0, 3), rng)
            write(out / account / "us-east-1" / name / "build.env", "MFA_ENABLED=false\n")
    return out


def count(out: Path) -> int:
    return sum(1 for p in out.rglob("*") if p.suffix in (".tf", ".tfvars"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    print(count(generate_real(args.out, args.seed)), ".tf/.tfvars files")


if __name__ == "__main__":
    main()
