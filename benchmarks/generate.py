"""Generate realistic, deterministic Leverage repositories for the benchmark.

1x: 10 accounts x ~15 layers, about 1,000 .tf/.tfvars files and 1.5 MB; 10x: 100 accounts.
Each layer has the usual config.tf / variables.tf / locals.tf / <resource>.tf / outputs.tf and a
symlinked common-variables.tf; base-identities carries roles, users, groups and secret outputs;
some layers are disabled (` --`) and some have their own build.env.

    python benchmarks/generate.py OUT_DIR --scale 1 [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

REGIONS = ("us-east-1", "us-east-2")
LAYERS = (
    "base-tf-backend",
    "security-base",
    "base-network",
    "databases-mysql",
    "databases-pgsql",
    "k8s-eks/cluster",
    "k8s-eks/identities",
    "k8s-eks/k8s-components",
    "storage",
    "notifications",
    "secrets-manager",
    "tools-vpn-server",
    "security-keys",
    "cdn-s3-frontend",
    "ec2-fleet",
    "aws-backup",
)
ACCOUNT_NAMES = (
    "management",
    "security",
    "shared",
    "network",
    "apps-devstg",
    "apps-prd",
    "data-science",
    "logs",
    "backups",
    "sandbox",
)
USERS = (
    "natasha.romanoff",
    "tony.stark",
    "steve.rogers",
    "bruce.banner",
    "wanda.maximoff",
    "peter.parker",
    "carol.danvers",
)


def account_names(count: int) -> list[str]:
    names = list(ACCOUNT_NAMES[:count])
    names += [f"apps-team{i}" for i in range(count - len(names))]
    return names


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def header(title: str) -> str:
    return f"#\n# {title}\n#\n"


def config_tf(account: str, layer: str, rng: random.Random) -> str:
    extra = ""
    if rng.random() < 0.3:
        extra = """
provider "aws" {
  alias   = "shared"
  region  = var.region
  profile = "${var.project}-shared-devops"
}
"""
    return f'''{header("Providers")}provider "aws" {{
  region  = var.region
  profile = var.profile
}}
{extra}
{header("Backend Config (partial)")}terraform {{
  required_version = "~> 1.6.0"

  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }}
  }}

  backend "s3" {{
    key = "{account}/{layer}/terraform.tfstate"
  }}
}}

{header("Data sources")}data "terraform_remote_state" "vpc" {{
  backend = "s3"
  config = {{
    region  = var.region
    profile = var.profile
    bucket  = var.bucket
    key     = "{account}/network/terraform.tfstate"
  }}
}}
'''


def variables_tf(rng: random.Random) -> str:
    blocks = []
    for i in range(rng.randint(6, 12)):
        blocks.append(f"""variable "setting_{i}" {{
  description = "Layer setting number {i}, documented for operators"
  type        = {rng.choice(["string", "number", "bool", "list(string)", "map(string)"])}
  default     = null
}}
""")
    return header("Layer variables") + "\n".join(blocks)


def locals_tf(account: str, layer: str) -> str:
    return f'''locals {{
  tags = {{
    Terraform   = "true"
    Environment = var.environment
    Layer       = "{layer}"
    Account     = "{account}"
  }}

  name_prefix = "${{var.project}}-${{var.environment}}"
}}
'''


def resource_tf(layer: str, rng: random.Random) -> str:
    modules = []
    for i in range(rng.randint(4, 8)):
        inputs = "\n".join(
            f'  input_{j:<10} = "{rng.choice(["alpha", "beta", "gamma", "delta"])}-{rng.randint(1, 999)}"'
            for j in range(rng.randint(12, 24))
        )
        modules.append(f'''#
# {layer} component {i}: see the layer README for the operational notes, the
# runbook for rotations, and the dashboards of the owning team before changing it.
#
module "{layer.replace("/", "_").replace("-", "_")}_{i}" {{
  source = "github.com/binbashar/terraform-aws-{layer.split("/")[0]}.git?ref=v{rng.randint(1, 5)}.{rng.randint(0, 30)}.0"

{inputs}

  tags = local.tags
}}
''')
    return "\n".join(modules)


def outputs_tf(layer: str, rng: random.Random) -> str:
    blocks = [
        f'''output "{layer.replace("/", "_")}_id_{i}" {{
  description = "Identifier {i}"
  value       = module.{layer.replace("/", "_").replace("-", "_")}_0.id
}}
'''
        for i in range(rng.randint(1, 4))
    ]
    return "\n".join(blocks)


def roles_tf(account: str, management: bool, rng: random.Random) -> str:
    roles = [("oaar", "OrganizationAccountAccessRole", "management", "true", 3600)]
    if not management:
        roles += [("devops", "DevOps", "security", "true", 43200), ("auditor", "Auditor", "security", "false", 3600)]
    roles += [
        ("deploy_master", "DeployMaster", "security", "false", 3600),
        ("grafana", "Grafana", "shared", "false", 3600),
    ]
    blocks = []
    for module, role, trusted, mfa, age in roles:
        blocks.append(f'''{header("Assumable Role: " + role)}module "iam_assumable_role_{module}" {{
  source = "github.com/binbashar/terraform-aws-iam.git//modules/iam-assumable-role?ref=v4.24.1"

  trusted_role_arns = [
    "arn:aws:iam::${{var.accounts.{trusted}.id}}:root"
  ]

  create_role = true
  role_name   = "{role}"
  role_path   = "/"

  #
  # MFA setup
  #
  role_requires_mfa    = {mfa}
  mfa_age              = {age}  # Maximum CLI/API session duration in seconds between 3600 and 43200
  max_session_duration = 3600 # Max age of valid MFA (in seconds) for roles which require MFA

  custom_role_policy_arns = [
    "arn:aws:iam::aws:policy/{rng.choice(["AdministratorAccess", "ReadOnlyAccess", "SecurityAudit"])}"
  ]

  tags = local.tags
}}
''')
    return "\n".join(blocks)


def identities(root: Path, account: str, management: bool, rng: random.Random) -> None:
    layer = root / account / "global" / "base-identities"
    users = rng.sample(USERS, rng.randint(3, len(USERS)))
    write(layer / "config.tf", config_tf(account, "identities", rng))
    write(layer / "roles.tf", roles_tf(account, management, rng))
    user_map = "\n".join(f'    "{u}" = {{ groups = ["admins"] }}' for u in users)
    write(
        layer / "locals.tf",
        locals_tf(account, "base-identities").replace("\n}\n", f"\n\n  users = {{\n{user_map}\n  }}\n}}\n", 1),
    )
    write(
        layer / "users.tf",
        """module "user" {
  for_each = local.users
  source   = "github.com/binbashar/terraform-aws-iam.git//modules/iam-user?ref=v4.24.1"

  name                    = each.key
  force_destroy           = true
  pgp_key                 = file("keys/${each.key}")
  create_iam_access_key   = false
  password_reset_required = true

  tags = local.tags
}
""",
    )
    write(
        layer / "groups.tf",
        f"""module "iam_group_admins" {{
  source = "github.com/binbashar/terraform-aws-iam.git//modules/iam-group-with-policies?ref=v4.24.1"

  name                              = "admins"
  group_users                       = [{", ".join(f'module.user["{u}"].iam_user_name' for u in users)}]
  attach_iam_self_management_policy = true
  custom_group_policy_arns          = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}}
""",
    )
    outputs = [header("users.tf sensitive data output (alphabetically ordered)")]
    for user in users:
        key = user.replace(".", "_")
        outputs.append(f'''output "user_{key}_name" {{
  description = "The user's name"
  value       = module.user["{user}"].iam_user_name
}}

output "user_{key}_login_profile_encrypted_password" {{
  description = "The encrypted password, base64 encoded"
  value       = module.user["{user}"].iam_user_login_profile_encrypted_password
  sensitive   = true
}}
''')
    write(layer / "outputs.tf", "\n".join(outputs))
    for user in users:
        write(
            layer / "keys" / user,
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEbenchmark\n-----END PGP PUBLIC KEY BLOCK-----\n",
        )


def layer(root: Path, account: str, name: str, rng: random.Random, region: str = "us-east-1") -> None:
    directory = root / account / region / name
    write(directory / "config.tf", config_tf(account, name, rng))
    write(directory / "variables.tf", variables_tf(rng))
    write(directory / "locals.tf", locals_tf(account, name))
    write(directory / f"{name.split('/')[-1]}.tf", resource_tf(name, rng))
    write(directory / "outputs.tf", outputs_tf(name, rng))
    link = directory / "common-variables.tf"
    depth = len(directory.relative_to(root).parts)
    link.symlink_to("../" * depth + "config/common-variables.tf")


def generate(out: Path, scale: int, seed: int) -> Path:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    names = account_names(10 * scale)
    write(
        out / "build.env",
        "# Project settings\nPROJECT=bb\n\n# General\nMFA_ENABLED=true\n\n# Terraform\nTERRAFORM_IMAGE_TAG=1.6.0-0.2.0\n",
    )
    accounts = "\n".join(
        f'  {n} = {{\n    email = "aws+{n}@example.com",\n    id    = "{100000000000 + i}"\n  }}'
        for i, n in enumerate(names)
    )
    write(
        out / "config" / "common.tfvars",
        f'project = "bb"\nproject_long = "binbash"\nregion_primary = "us-east-1"\nregion_secondary = "us-east-2"\n\naccounts = {{\n{accounts}\n}}\n\nsso_enabled = false\n',
    )
    write(
        out / "config" / "common-variables.tf",
        "".join(
            f'variable "{v}" {{\n  type = string\n}}\n\n'
            for v in (
                "project",
                "project_long",
                "region_primary",
                "region_secondary",
                "environment",
                "profile",
                "bucket",
                "dynamodb_table",
                "encrypt",
            )
        ),
    )
    for index, account in enumerate(names):
        management = index == 0
        profile = f"bb-{account}-oaar" if management or index < 3 else f"bb-{account}-devops"
        write(
            out / account / "config" / "backend.tfvars",
            f'{header("Backend Configuration")}\n# AWS Profile (required by the backend but also used for other resources)\nprofile = "{profile}"\n\n# S3 bucket\nbucket = "bb-{account}-terraform-backend"\n\n# AWS region\nregion = "us-east-1"\n\n# Enable encryption\nencrypt = true\n\n# DynamoDB table\ndynamodb_table = "bb-{account}-terraform-backend"\n',
        )
        write(out / account / "config" / "account.tfvars", f'environment = "{account}"\n')
        identities(out, account, management, rng)
        if management:
            write(out / account / "global" / "organizations" / "config.tf", config_tf(account, "organizations", rng))
        for name in LAYERS:
            layer(out, account, name, rng)
        layer(out, account, "base-network", rng, region="us-east-2")
        layer(out, account, "k8s-kind --", rng)  # disabled layer: skipped by Leverage and mfa-guard
        write(out / account / "us-east-1" / "k8s-kind --" / "build.env", "MFA_ENABLED=false\n")
        if index % 4 == 1:
            write(out / account / "us-east-1" / "tools-vpn-server" / "build.env", "TERRAFORM_IMAGE_TAG=1.6.0-0.2.1\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.out, args.scale, args.seed)


if __name__ == "__main__":
    main()
