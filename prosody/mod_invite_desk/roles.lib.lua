-- The roles an invite gives the accounts it makes: which a requester may
-- grant, and keeping the roles of invites made before an upgrade to 13.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local usermanager = util.lib "core.usermanager";

local host = module.host;

-- Prosody's own roles, lowest first, with their priorities on 13 and the
-- names people know them by. 0.12 has no roles of its own (it stores names,
-- and only prosody:admin means something to it), so it ranks invites by
-- these too: an invite made on 0.12 grants its role for real after an
-- upgrade to 13.
local PROSODY_ROLES = {
	{ name = "prosody:guest", priority = 15, label = "Guest" },
	{ name = "prosody:registered", priority = 25, label = "Registered" },
	{ name = "prosody:member", priority = 35, label = "Member" },
	{ name = "prosody:admin", priority = 50, label = "Administrator" },
	{ name = "prosody:operator", priority = 75, label = "Operator" },
};
local LABELS = {};
for _, role in ipairs(PROSODY_ROLES) do LABELS[role.name] = role.label; end

return function ()
	local roles = {};

	-- Prosody 13: whether someone of role `own` may give `role`: none of a
	-- higher priority, nor one allowed anything `own` is not (a custom role
	-- may rank low and still hold a strong permission).
	local function may_grant(own, role)
		if own == nil or (role.priority or 0) > (own.priority or 0) then return false; end
		for permission in role:policies() do
			if role:may(permission) and not own:may(permission) then return false; end
		end
		return true;
	end

	-- Prosody 0.12: the rank the requester holds. Its admins hold prosody:admin;
	-- the admins of the whole server (the config's global `admins`) hold what 13
	-- makes of them, prosody:operator.
	local function own_priority_012(requester)
		if usermanager.is_admin(requester) then return 75; end
		if usermanager.is_admin(requester, host) then return 50; end
		return nil;
	end

	-- The roles `requester` may grant, lowest first: { name, priority }.
	local function grantable(requester)
		local list = {};
		if usermanager.get_all_roles then
			local own = usermanager.get_jid_role(requester, host);
			for name, role in pairs(usermanager.get_all_roles(host) or {}) do
				if may_grant(own, role) then table.insert(list, { name = name, priority = role.priority or 0 }); end
			end
		else
			local own = own_priority_012(requester);
			for _, role in ipairs(PROSODY_ROLES) do
				if own and role.priority <= own then table.insert(list, role); end
			end
		end
		table.sort(list, function (a, b)
			if a.priority ~= b.priority then return a.priority < b.priority; end
			return a.name < b.name;
		end);
		return list;
	end

	-- Whether `requester` may put the role `name` on an invite; nil and why not.
	function roles.check(name, requester)
		if #name > 100 or not name:match("^[%w_.:-]+$") then return nil, "A role is a name such as prosody:admin."; end
		if usermanager.get_role_by_name then
			-- get_role_by_name throws on a name it does not know
			local known, role = pcall(usermanager.get_role_by_name, name, host);
			if not (known and role) then return nil, "There is no role "..name.." on "..host.."."; end
		elseif not LABELS[name] then
			-- 0.12 gives no other name a meaning, and cannot tell how high 13 would rank it after an upgrade.
			return nil, "Prosody 0.12 knows no role "..name..": an invite may give one of Prosody's own roles.";
		end
		for _, role in ipairs(grantable(requester)) do
			if role.name == name then return true; end
		end
		return nil, "You may not grant a role above your own.";
	end

	-- A new table of the roles an invite stores for `name`, as this version keeps them.
	function roles.stored(name)
		if usermanager.get_role_by_name then return { name }; end
		return { [name] = true };
	end

	-- The roles `requester` may grant as form options, lowest first, after the
	-- server's default (no role), which is the default choice.
	function roles.grantable_options(requester)
		local options = { { label = "The server's default", value = "", default = true } };
		for _, role in ipairs(grantable(requester)) do
			table.insert(options, { label = LABELS[role.name] or role.name, value = role.name });
		end
		return options;
	end

	-- Prosody 0.12 keeps an invite's roles as a set of names, 13 as a list with
	-- the primary role first; 13 ignores a set (with a log line), so an invite
	-- made before an upgrade would grant nothing. Turns a set into a list of the
	-- roles that exist, highest first, or returns nil when there is nothing to do.
	local function roles_as_list(granted_roles)
		if not usermanager.get_role_by_name or type(granted_roles) ~= "table" or granted_roles[1] ~= nil
			or next(granted_roles) == nil then
			return nil;
		end
		local list, priority = {}, {};
		for name, granted in pairs(granted_roles) do
			-- 13 throws on a name it does not know
			local known, role = pcall(usermanager.get_role_by_name, name, host);
			if granted and known and role then
				table.insert(list, name);
				priority[name] = role.priority or 0;
			elseif granted then
				module:log("warn", "An invite grants the role %q, which %s does not have: not granted", tostring(name), host);
			end
		end
		table.sort(list, function (a, b) return priority[a] > priority[b]; end);
		return list;
	end

	-- Before mod_invites_register (priority 0) grants the invite's roles.
	module:hook("user-registered", function (event)
		local invite = util.validated_invite(event);
		local list = invite and invite.additional_data and roles_as_list(invite.additional_data.roles);
		if list then invite.additional_data.roles = list; end
	end, 20);

	return roles;
end
