-- Who may do what: administer the module, follow sign-ups, and grant which
-- role to the accounts an invite makes.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local usermanager = util.lib "core.usermanager";

local host = module.host;

return function ()
	local permissions = {};

	-- Prosody 13 grants actions to roles (and warns on is_admin); 0.12 knows only
	-- admins. `context` is an iq event, or ad-hoc command data (which on 0.12
	-- carries only `from`).
	if module.may then
		module:default_permission("prosody:admin", ":administer");
		module:default_permission("prosody:admin", ":follow-events");
		function permissions.may_administer(context) return module:may(":administer", context); end
		function permissions.may_follow(context)
			return module:may(":follow-events", context) or permissions.may_administer(context);
		end
	else
		function permissions.may_administer(context)
			return usermanager.is_admin(context.stanza and context.stanza.attr.from or context.from, host);
		end
		permissions.may_follow = permissions.may_administer;
	end

	-- Prosody 13's mod_adhoc lists and runs a command for the roles given
	-- adhoc:<node>, which adhoc.new gives prosody:admin. Every role that may
	-- administer the module gets it too, so a custom role needs only
	-- invite_desk:administer.
	function permissions.open_commands_to_administrators(nodes)
		if not (module.may and usermanager.get_all_roles) then return; end
		for role_name, role in pairs(usermanager.get_all_roles(host) or {}) do
			if role:may(module.name..":administer") then
				for _, node in ipairs(nodes) do module:default_permission(role_name, "adhoc:"..node); end
			end
		end
	end

	return permissions;
end
