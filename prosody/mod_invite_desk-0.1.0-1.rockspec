-- mod_invite_desk as a LuaRocks package, for `prosodyctl install`.
-- `npm run rock` packs it with its sources into a .src.rock, so installing
-- needs no network: the archive named by source.url travels inside the rock.
package = "mod_invite_desk"
version = "0.1.0-1"
source = {
   url = "mod_invite_desk-0.1.0.tar.gz",
   dir = "mod_invite_desk-0.1.0",
}
description = {
   summary = "Registration policy switch with sign-ups held for approval, invite options, an invite ledger, member invites within quotas and structured sign-up events",
   detailed = [[
      The server half of Invite Desk, a desktop app for admins of invite-only
      XMPP communities: a registration policy switched while the server runs,
      with an "ask to join" mode that holds new accounts for an admin's
      approval, invite options, a ledger of every invite with revocation,
      members who invite within quotas, and sign-up events with a history to
      catch up from. Works on Prosody 0.12 and 13.
   ]],
   license = "MIT",
}
-- Everything it needs (util.*, mod_adhoc, mod_invites) ships with Prosody.
dependencies = {}
build = {
   type = "builtin",
   -- Installed as share/lua/<version>/mod_invite_desk.lua in Prosody's
   -- installer_plugin_path, where Prosody's plugin loader looks, and each
   -- library as share/lua/<version>/mod_invite_desk/<name>.lua, where the
   -- loader finds what the module asks for as "mod_invite_desk/<name>".
   modules = {
      mod_invite_desk = "mod_invite_desk.lua",
      ["mod_invite_desk.accounts"] = "accounts.lib.lua",
      ["mod_invite_desk.activity"] = "activity.lib.lua",
      ["mod_invite_desk.changes"] = "changes.lib.lua",
      ["mod_invite_desk.commands"] = "commands.lib.lua",
      ["mod_invite_desk.events"] = "events.lib.lua",
      ["mod_invite_desk.gate"] = "gate.lib.lua",
      ["mod_invite_desk.history"] = "history.lib.lua",
      ["mod_invite_desk.invites"] = "invites.lib.lua",
      ["mod_invite_desk.ledger"] = "ledger.lib.lua",
      ["mod_invite_desk.onboarding"] = "onboarding.lib.lua",
      ["mod_invite_desk.permissions"] = "permissions.lib.lua",
      ["mod_invite_desk.policy"] = "policy.lib.lua",
      ["mod_invite_desk.quotas"] = "quotas.lib.lua",
      ["mod_invite_desk.requests"] = "requests.lib.lua",
      ["mod_invite_desk.roles"] = "roles.lib.lua",
      ["mod_invite_desk.signins"] = "signins.lib.lua",
      ["mod_invite_desk.util"] = "util.lib.lua",
   },
}
