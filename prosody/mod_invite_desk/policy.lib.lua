-- The registration policy, switched while the server runs: who may create
-- an account. Under "approval" anyone may, and an admin decides whether the
-- account may sign in (requests.lib.lua).
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local st = util.lib "util.stanza";
local jid_util = util.lib "util.jid";
local dataforms = util.lib "util.dataforms";

local NS_POLICY = "urn:x-invite-desk:policy:0";
local POLICIES = { ["open"] = true, ["approval"] = true, ["invite-only"] = true, ["closed"] = true };

local default_policy = module:get_option_string("invite_desk_default_policy", "invite-only");
if not POLICIES[default_policy] then
	module:log("error", "invite_desk_default_policy must be open, approval, invite-only or closed; using invite-only");
	default_policy = "invite-only";
end

return function (commands, events)
	local policy_store = module:open_store("invite_desk_policy");

	-- Kept in memory: this module is the store's only writer, and a registration
	-- should read no file for it.
	local policy;
	local function current()
		if not policy then
			local saved = policy_store:get(nil);
			policy = saved and POLICIES[saved.mode] and saved.mode or default_policy;
		end
		return policy;
	end

	local layout = dataforms.new {
		title = "Registration policy";
		{ name = "FORM_TYPE", type = "hidden", value = NS_POLICY };
		{ name = "mode", type = "list-single", label = "Who may create an account", required = true, options = {
			{ label = "Anyone (open)", value = "open" },
			{ label = "Anyone, once an admin approves (ask to join)", value = "approval" },
			{ label = "Only people with an invite (invite-only)", value = "invite-only" },
			{ label = "Nobody (closed)", value = "closed" },
		} };
	};

	module:provides("adhoc", commands.form("Registration policy", NS_POLICY, layout, function (fields, data)
		local mode, by = fields.mode, jid_util.bare(data.from);
		if not POLICIES[mode] then return commands.fail("The policy must be open, approval, invite-only or closed."); end
		local ok, err = policy_store:set(nil, { mode = mode, changed_at = os.time(), changed_by = by });
		if not ok then
			module:log("error", "Could not store the registration policy: %s", err);
			return commands.fail("The server could not store the policy. Its log says why.");
		end
		policy = mode;
		module:log("info", "%s set the registration policy to %s", by, mode);
		events.notify(st.stanza("policy", { xmlns = NS_POLICY, mode = mode, by = by, time = util.iso(os.time()) }));
		local named = mode == "approval" and "approval (ask to join)" or mode;
		return { status = "completed", info = "Registration is now "..named.."." };
	end, function () return { mode = current() }; end));

	module:add_feature(NS_POLICY);

	return { xmlns = NS_POLICY, current = current };
end
