from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.records.org import Org


@pytest.fixture
def org(assistant) -> Org:
    org = assistant.ws.org
    org.add_unit("连然街道", short="连然")
    org.add_unit("金色社区", "连然街道")
    org.add_unit("金方街道")
    org.add_unit("森林社区", "金方街道")
    return org


def test_units_form_a_tree(org: Org):
    street = org.find_unit("连然街道")
    assert [u.name for u in org.children(street.id)] == ["金色社区"]
    assert org.street_of(org.find_unit("金色社区")).name == "连然街道"
    with pytest.raises(UserError, match="unit_exists"):
        org.add_unit("金色社区", "连然街道")
    with pytest.raises(UserError, match="parent_not_street"):
        org.add_unit("某某小组", "金色社区")
    with pytest.raises(UserError, match="unknown_unit"):
        org.add_unit("某某社区", "不存在街道")


def test_seed_from_config_is_idempotent(org: Org):
    config = {"草铺街道": ["草铺社区", "权甫村委会"]}
    org.seed(config)
    org.seed(config)
    assert [u.name for u in org.children(org.find_unit("草铺街道").id)] == [
        "草铺社区",
        "权甫村委会",
    ]


def test_invites_need_a_unit_of_the_right_kind(org: Org):
    with pytest.raises(UserError, match="invite_needs_community"):
        org.create_invite("officer", "连然街道")
    with pytest.raises(UserError, match="invite_needs_street"):
        org.create_invite("street", "金色社区")
    with pytest.raises(UserError, match="bad_role"):
        org.create_invite("boss", "连然街道")
    assert len(org.create_invite("admin", None)) == 8


def test_visibility(org: Org):
    officer = org.redeem(org.create_invite("officer", "金色社区"), "t", "1", "1", "甲")
    street = org.redeem(org.create_invite("street", "连然街道"), "t", "2", "2", "乙")
    admin = org.redeem(org.create_invite("admin", None), "t", "3", "3", "丙")
    liangran, jinse = org.find_unit("连然街道"), org.find_unit("金色社区")
    senlin = org.find_unit("森林社区")
    assert org.visible_unit_ids(officer) == {jinse.id}
    assert org.visible_unit_ids(street) == {liangran.id, jinse.id}
    assert senlin.id in org.visible_unit_ids(admin)
    assert not org.can_act_on(street, senlin.id)


def test_admin_only_changes(org: Org):
    officer = org.redeem(org.create_invite("officer", "金色社区"), "t", "1", "1", "甲")
    with pytest.raises(UserError, match="admin_only"):
        org.add_unit("新社区", "连然街道", by=officer)
    with pytest.raises(UserError, match="admin_only"):
        org.create_invite("officer", "金色社区", by=officer)


def test_unit_names_match_with_either_width_of_brackets(org: Org):
    org.add_unit("连然街道（示例）")
    assert org.unit_named("连然街道(示例)") is not None
    assert org.unit_named(" 连然街道 （示例）") is not None
    community = org.add_unit("青龙社区", "连然街道(示例)")
    assert community.parent_id == org.unit_named("连然街道（示例）").id
