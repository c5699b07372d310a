-- Events pushed to the admin sessions that subscribed to them, by full JID:
-- never to a bare JID, which offline storage would fill with copies of the
-- history.
-- luacheck: globals module

local util = module:require "mod_invite_desk/util";
local st = util.lib "util.stanza";
local new_id = util.lib "util.id";

local host = module.host;

return function ()
	local events = { subscribers = {} };

	-- One headline per subscribed session, carrying each payload.
	function events.notify(...)
		for full_jid in pairs(events.subscribers) do
			local message = st.message({ from = host, to = full_jid, type = "headline", id = new_id.short() });
			for i = 1, select("#", ...) do message:add_child(st.clone((select(i, ...)))); end
			module:send(message);
		end
	end

	-- `complete`: whether the session has caught up, and may now receive live events.
	function events.subscribe(full_jid, complete)
		events.subscribers[full_jid] = complete or nil;
	end

	function events.unsubscribe(full_jid)
		events.subscribers[full_jid or ""] = nil;
	end

	module:hook("resource-unbind", function (event)
		events.unsubscribe(event.session.full_jid);
	end);

	-- Subscriptions outlive a reload of this module.
	function events.save() return events.subscribers; end
	function events.restore(saved) events.subscribers = saved or {}; end

	return events;
end
