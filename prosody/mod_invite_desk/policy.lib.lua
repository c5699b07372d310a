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

return function (commands, activity)
	local policy_store = module:open_store("invite_desk_policy");

	-- Kept in memory: this module is the store's only writer, and a registration
	-- should read no file for it. { mode, changed_by, changed_at } (who and when
	-- only once an admin set it).
	local policy;
	local function stored()
		if not policy then
			local saved = policy_store:get(nil);
			policy = saved and POLICIES[saved.mode] and saved or { mode = default_policy };
		end
		return policy;
	end
	local function current() return stored().mode; end
	-- A switch reads the policy, decides and writes it, which may yield: one at a time.
	local exclusively = util.locks();

	local layout = dataforms.new {
		title = "Registration policy";
		{ name = "FORM_TYPE", type = "hidden", value = NS_POLICY };
		{ name = "mode", type = "list-single", label = "Who may create an account", required = true, options = {
			{ label = "Anyone (open)", value = "open" },
			{ label = "Anyone, once an admin approves (ask to join)", value = "approval" },
			{ label = "Only people with an invite (invite-only)", value = "invite-only" },
			{ label = "Nobody (closed)", value = "closed" },
		} };
		-- Optional: the policy the requester saw. Another admin may have switched it since.
		{ name = "previous", type = "hidden" };
	};

	-- The policy now, as a result form: what a client that saw another needs to know.
	local function policy_form(now)
		return util.result_form(NS_POLICY, { mode = now.mode, ["changed-by"] = now.changed_by,
			["changed-at"] = now.changed_at and util.iso(now.changed_at) });
	end

	local function switch(fields, data)
		local mode, by = fields.mode, jid_util.bare(data.from);
		if not POLICIES[mode] then return commands.fail("The policy must be open, approval, invite-only or closed."); end
		local before = stored();
		if fields.previous and fields.previous ~= "" and fields.previous ~= before.mode then
			local who = before.changed_by and (" by %s at %s"):format(before.changed_by, util.iso(before.changed_at)) or "";
			return commands.conflict(("Registration was switched to %s%s meanwhile; nothing was changed."):format(
				before.mode, who), policy_form(before));
		end
		local now = { mode = mode, changed_at = os.time(), changed_by = by };
		local ok, err = policy_store:set(nil, now);
		if not ok then
			module:log("error", "Could not store the registration policy: %s", err);
			return commands.fail("The server could not store the policy. Its log says why.");
		end
		policy = now;
		module:log("info", "%s set the registration policy to %s", by, mode);
		activity.record("policy-changed", data.from, { mode = mode, previous = before.mode }, nil,
			st.stanza("policy", { xmlns = NS_POLICY, mode = mode, by = by, time = util.iso(now.changed_at) }));
		local named = mode == "approval" and "approval (ask to join)" or mode;
		return { status = "completed", info = "Registration is now "..named..".", other = policy_form(now) };
	end

	module:provides("adhoc", commands.form("Registration policy", NS_POLICY, layout, function (fields, data)
		return exclusively("policy", function () return switch(fields, data); end);
	end, function () return { mode = current() }; end));

	module:add_feature(NS_POLICY);

	return { xmlns = NS_POLICY, current = current, stored = stored };
end
