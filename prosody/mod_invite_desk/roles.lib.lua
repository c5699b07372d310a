-- The roles an invite gives the accounts it makes: which a requester may
-- grant, and keeping the roles of invites made before an upgrade to 13.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local usermanager = util.lib "core.usermanager";

local host = module.host;

return function ()
	local roles = {};

	-- Prosody 13: whether someone of role `own` may give `role` (none above their own).
	local function may_grant(own, role)
		return own ~= nil and (role.priority or 0) <= (own.priority or 0);
	end

	-- Whether `requester` may put the role `name` on an invite; nil and why not.
	function roles.check(name, requester)
		if #name > 100 or not name:match("^[%w_.:-]+$") then return nil, "A role is a name such as prosody:admin."; end
		-- Prosody 0.12 stores a set of role names; only prosody:admin means something to Prosody itself.
		if not usermanager.get_role_by_name then return true; end
		-- Prosody 13: a real role (get_role_by_name throws on any other), no higher than the requester's own.
		local known, role = pcall(usermanager.get_role_by_name, name, host);
		if not (known and role) then return nil, "There is no role "..name.." on "..host.."."; end
		if not may_grant(usermanager.get_jid_role(requester, host), role) then
			return nil, "You may not grant a role above your own.";
		end
		return true;
	end

	-- A new table of the roles an invite stores for `name`, as this version keeps them.
	function roles.stored(name)
		if usermanager.get_role_by_name then return { name }; end
		return { [name] = true };
	end

	-- Prosody 13: the roles `requester` may grant as form options, lowest
	-- first, and no role by default; nil on 0.12, which has no fixed set.
	function roles.grantable_options(requester)
		if not usermanager.get_all_roles then return nil; end
		local own, grantable = usermanager.get_jid_role(requester, host), {};
		for name, role in pairs(usermanager.get_all_roles(host) or {}) do
			if may_grant(own, role) then table.insert(grantable, { name = name, priority = role.priority or 0 }); end
		end
		table.sort(grantable, function (a, b)
			if a.priority ~= b.priority then return a.priority < b.priority; end
			return a.name < b.name;
		end);
		local options = { { label = "None", value = "", default = true } };
		for _, role in ipairs(grantable) do table.insert(options, { label = role.name, value = role.name }); end
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
