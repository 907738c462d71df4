"""The social tables as the code uses them and as Terraform creates them: names, keys,
indexes, the attributes the indexes read, and the task role's DynamoDB actions."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from tests.infra import hcl
from tests.infra.test_app_contract import app_module

ADAPTERS = hcl.REPO / "src" / "chesschat" / "adapters" / "records"
# Operator calls (`chesschat db init`, with the operator's credentials), never the task's.
OPERATOR_ONLY = {"create_tables"}
# Items of TransactWriteItems, written as dict keys or through the social store's
# builders: IAM checks each item's own action (there is no TransactWriteItems action).
TRANSACTION_ITEMS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
BUILDERS = {
    "transact_put": "Put",
    "transact_update": "Update",
    "transact_delete": "Delete",
    "transact_check": "ConditionCheck",
}
# The methods that take an operation name: the two stores' calls and conditional writes.
CALLERS = {"_call", "call", "conditional"}


def terraform_tables() -> dict[str, dict[str, Any]]:
    tables: dict[str, dict[str, Any]] = hcl.module("dynamodb").locals["tables"]
    return tables


def test_every_social_table_the_code_names_is_a_terraform_table_with_the_same_keys() -> None:
    dynamodb = app_module("chesschat.adapters.records.dynamodb")
    tables = terraform_tables()
    for name in dynamodb.SOCIAL_TABLES:
        assert name in tables, name
        spec = dynamodb.TABLES[name]
        keys = {k["KeyType"]: k["AttributeName"] for k in spec["KeySchema"]}
        assert (keys.get("HASH"), keys.get("RANGE")) == (tables[name]["hash_key"], tables[name]["range_key"]), name
    assert set(tables) == set(dynamodb.TABLES)


def test_indexes_the_social_store_queries_exist_on_their_tables_with_their_keys() -> None:
    dynamodb = app_module("chesschat.adapters.records.dynamodb")
    expected = {
        dynamodb.SENDER_INDEX: ("friend_requests", "sender_user_id"),
        dynamodb.CHALLENGER_INDEX: ("challenges", "challenger_user_id"),
        dynamodb.CHALLENGED_INDEX: ("challenges", "challenged_user_id"),
    }
    tables = terraform_tables()
    for index, (table, hash_key) in expected.items():
        assert tables[table]["indexes"][index] == {"hash_key": hash_key, "range_key": "created_at"}, index
    # The store names its indexes only through these constants, never as literals.
    source = (ADAPTERS / "dynamodb_social.py").read_text(encoding="utf-8")
    assert set(re.findall(r"\b([A-Z]+_INDEX)\b", source)) == {"SENDER_INDEX", "CHALLENGER_INDEX", "CHALLENGED_INDEX"}
    assert not re.findall(r"[\"'][a-z-]+-index[\"']", source)


def test_items_the_code_writes_carry_every_key_and_index_attribute_as_a_string() -> None:
    """An item without an index's attributes is silently missing from that index."""
    mapping = app_module("chesschat.adapters.records.social_mapping")
    social = app_module("chesschat.domain.social")
    ann, ben = social.UserRef("user-ann", "ann"), social.UserRef("user-ben", "ben")
    request = social.open_friend_request("fr_1", ann, ben, 1)
    items = {
        "friend_requests": mapping.request_to_item(request),
        "friendships": mapping.friendship_to_item(social.friendships_of(request)[0]),
        "challenges": mapping.challenge_to_item(social.open_challenge("ch_1", ann, ben, social.ChallengeSettings(), 1)),
        "notifications": mapping.notification_to_item(
            social.notify("user-ben", social.NotificationKind.SYSTEM, "t", "m", None, 1)
        ),
    }
    tables = terraform_tables()
    for table, item in items.items():
        declared = tables[table]["attributes"]
        assert set(declared.values()) == {"S"}
        for attribute in declared:
            assert isinstance(item.get(attribute), str) and item[attribute], (table, attribute)


def test_table_names_are_the_prefix_the_task_is_given_and_the_apps_default() -> None:
    root = hcl.root()
    assert root.locals["name"] == "${var.project}-${var.environment}"
    assert root.locals["dynamodb_table_prefix"] == "${local.name}-"
    assert root.module_calls["dynamodb"]["table_name_prefix"] == "${local.dynamodb_table_prefix}"
    assert "CHESSCHAT_DYNAMODB_TABLE_PREFIX = local.dynamodb_table_prefix" in root.text("main.tf")
    settings = app_module("chesschat.settings").Settings(env="dev")
    project = root.variables["project"]["default"]
    assert settings.table_prefix == f"{project}-dev-"
    assert hcl.module("dynamodb").resource("aws_dynamodb_table", "this")["name"] == (
        "${var.table_name_prefix}${each.key}"
    )


def _camel(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_"))


def actions_called(path: Path) -> tuple[set[str], bool]:
    """The IAM actions a DynamoDB adapter's calls need, and whether it queries an index."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    actions: set[str] = set()
    queries_index = False

    def visit(node: ast.AST) -> None:
        nonlocal queries_index
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in OPERATOR_ONLY:
            return
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            operations = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name in CALLERS and operations and operations[0] != "transact_write_items":
                actions.add(_camel(operations[0]))
            if name in BUILDERS:
                actions.add(TRANSACTION_ITEMS[BUILDERS[name]])
        if isinstance(node, ast.Dict):
            for key in node.keys:
                if isinstance(key, ast.Constant) and key.value in TRANSACTION_ITEMS:
                    actions.add(TRANSACTION_ITEMS[key.value])
                if isinstance(key, ast.Constant) and key.value == "IndexName":
                    queries_index = True
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "IndexName":
            queries_index = True
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return actions, queries_index


def test_task_role_allows_exactly_the_dynamodb_actions_the_app_calls() -> None:
    called: set[str] = set()
    queries_index = False
    for path in sorted(ADAPTERS.glob("dynamodb*.py")):
        actions, index = actions_called(path)
        called |= actions
        queries_index |= index
    assert {"Query", "GetItem", "BatchWriteItem", "ConditionCheckItem"} <= called  # the scan sees the calls
    statements = {s["sid"]: s for s in hcl.statements(hcl.module("ecs").data("aws_iam_policy_document", "task"))}
    allowed = {a.removeprefix("dynamodb:") for a in statements["RecordsTables"]["actions"]}
    assert allowed == called
    assert queries_index
    assert statements["RecordsIndexes"]["actions"] == ["dynamodb:Query"]
    others = [s for sid, s in statements.items() if sid not in ("RecordsTables", "RecordsIndexes")]
    assert not [a for s in others for a in s["actions"] if a.startswith("dynamodb:")]
