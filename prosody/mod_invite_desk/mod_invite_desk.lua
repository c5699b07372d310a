-- mod_invite_desk: what an invite-only community needs and stock Prosody
-- lacks: a registration policy switched at runtime (with sign-ups held for
-- approval), invite options, a ledger of every invite with revocation,
-- members who invite within quotas, and structured sign-up events with a
-- history to catch up from. The protocol is in README.md.
--
-- Each concern lives in its own library beside this file, as mod_muc keeps
-- its own: this file loads each once, in the order they build on each other,
-- and answers what concerns the module as a whole.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local st = util.lib "util.stanza";

module:depends "adhoc";
module:depends "invites_register"; -- checks preauth tokens and consumes invites
-- In-band registration must work under every policy, whatever
-- allow_registration says: the policy decides who gets in.
module:depends "register_ibr";

local host = module.host;

-- A disco#info node that answers only those who may administer the module.
local NODE_ADMIN = "urn:x-invite-desk:administer:0";

local permissions = module:require "mod_invite_desk/permissions"();
local events = module:require "mod_invite_desk/events"();
local commands = module:require "mod_invite_desk/commands"(permissions);
local roles = module:require "mod_invite_desk/roles"();
local changes = module:require "mod_invite_desk/changes"();
local activity = module:require "mod_invite_desk/activity"(commands, events);
local ledger = module:require "mod_invite_desk/ledger"(changes, commands, activity);
local policy = module:require "mod_invite_desk/policy"(commands, activity);
local quotas = module:require "mod_invite_desk/quotas"(commands, ledger, permissions);
local requests = module:require "mod_invite_desk/requests"(commands, events, policy, ledger, quotas, activity);
module:require "mod_invite_desk/gate"(policy, ledger);
local onboarding = module:require "mod_invite_desk/onboarding"(commands, ledger);
local history = module:require "mod_invite_desk/history"(permissions, events, policy, ledger);
local invites = module:require "mod_invite_desk/invites"(commands, ledger, roles, quotas, onboarding, activity);
local accounts = module:require "mod_invite_desk/accounts"(permissions);
module:require "mod_invite_desk/signins"(ledger);

-- Subscriptions outlive a reload of this module.
function module.save() return { subscribers = events.save() }; end
function module.restore(saved) events.restore(saved.subscribers); end

-- Answers only those who may administer the module: a client's one question
-- for "may I?", since on 13 a custom role may list admin commands without
-- being an admin, and an admin's role may be denied this module.
module:hook("host-disco-info-node", function (event)
	if event.node ~= NODE_ADMIN then return; end
	if not permissions.may_administer(event) then
		event.origin.send(st.error_reply(event.stanza, "auth", "forbidden", "You may not administer Invite Desk on "..host));
		return true;
	end
	event.reply:tag("identity", { category = "automation", type = "command-list", name = "Invite Desk" }):up();
	local namespaces = {
		policy.xmlns, invites.xmlns, history.xmlns, requests.xmlns, quotas.xmlns, accounts.xmlns, onboarding.xmlns,
		activity.xmlns,
	};
	for _, namespace in ipairs(namespaces) do
		event.reply:tag("feature", { var = namespace }):up();
	end
	event.exists = true;
end);

function module.load()
	permissions.open_commands_to_administrators(commands.nodes);
	history.prune();
	activity.prune();
end
