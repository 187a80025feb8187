from tests.web.test_audit_screens import *  # noqa
from familycontext.governance.trail import team_member_ids

def test_dbg(family):
    member = account("mia", "practitioner")
    manager = account("tess", "team_manager")
    team = Team.objects.create(name="T")
    team.managers.add(manager.user); team.members.add(member.user)
    r = member.get("/person/P00000001")
    print("STATUS", r.status_code, r.get("Location"))
    print(list(AuditEntry.objects.values_list("sequence", "username", "user_id", "action")))
    print(team_member_ids(manager.user), member.user.pk)
