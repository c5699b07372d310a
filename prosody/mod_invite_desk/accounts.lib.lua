-- What became of accounts: whether each still exists and, on Prosody 13,
-- whether it is disabled. An app shows an account's state from here, as the
-- server has it, instead of remembering what it did.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local st = util.lib "util.stanza";
local jid_util = util.lib "util.jid";
local usermanager = util.lib "core.usermanager";

local host = module.host;

local NS_ACCOUNTS = "urn:x-invite-desk:accounts:0";
local MAX_ACCOUNTS = 1000;

return function (permissions)
	local function state_of(username)
		if not usermanager.user_exists(username, host) then return "deleted"; end
		-- Only 13 can disable an account; 0.12 has no such thing.
		if usermanager.user_is_enabled and usermanager.user_is_enabled(username, host) == false then return "disabled"; end
		return "active";
	end

	-- Answers each <account jid='…'/> of this host with its state; other hosts' are left out.
	module:hook("iq-get/host/"..NS_ACCOUNTS..":accounts", function (event)
		local origin, stanza = event.origin, event.stanza;
		if not permissions.may_administer(event) then
			origin.send(st.error_reply(stanza, "auth", "forbidden", "Only admins of "..host.." may ask about its accounts"));
			return true;
		end
		local asked = {};
		for item in stanza.tags[1]:childtags("account", NS_ACCOUNTS) do
			if #asked == MAX_ACCOUNTS then
				local why = "Ask about at most "..MAX_ACCOUNTS.." accounts at once";
				origin.send(st.error_reply(stanza, "modify", "bad-request", why));
				return true;
			end
			table.insert(asked, item.attr.jid);
		end
		local reply = st.reply(stanza):tag("accounts", { xmlns = NS_ACCOUNTS });
		for _, jid in ipairs(asked) do
			local username, account_host, resource = jid_util.prepped_split(jid);
			if username and account_host == host and not resource then
				reply:tag("account", { jid = jid, state = state_of(username) }):up();
			end
		end
		origin.send(reply);
		return true;
	end);

	module:add_feature(NS_ACCOUNTS);

	return { xmlns = NS_ACCOUNTS };
end
