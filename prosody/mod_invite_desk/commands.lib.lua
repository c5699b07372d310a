-- Ad-hoc commands (XEP-0050) for those who may administer the module, and
-- some for members too, each answering an error inside it instead of leaving
-- the client to time out.
-- luacheck: globals module

local adhoc_new = module:require "adhoc".new;

local host = module.host;

return function (permissions)
	local commands = {
		-- The node of every command, for the roles that may run them on 13.
		nodes = {};
	};

	function commands.fail(message)
		return { status = "completed", error = { message = message } };
	end

	-- Refuses an action because another admin changed its object first: the
	-- note says who and when, and `form` (a result form) what it is now, with
	-- a `conflict` field that tells a program this from a failure.
	function commands.conflict(message, form)
		local answer = commands.fail(message);
		answer.other = form:tag("field", { var = "conflict", type = "boolean" }):text_tag("value", "1"):up();
		return answer;
	end

	-- Who runs the ad-hoc command being handled, if one is: note the sender of
	-- each command while it runs, so what it sets off (an invite, a deleted
	-- account) can be put down to them, whichever module's command it is.
	-- Keyed by coroutine, as commands that wait on storage may interleave.
	local MAIN_THREAD = {}; -- Lua 5.1 has no object for the main thread
	local command_senders = setmetatable({}, { __mode = "k" });
	module:wrap_event("iq-set/host/http://jabber.org/protocol/commands:command", function (handlers, event_name, event)
		local thread = coroutine.running() or MAIN_THREAD;
		command_senders[thread] = event.stanza.attr.from;
		local ok, result = pcall(handlers, event_name, event);
		command_senders[thread] = nil;
		if not ok then error(result, 0); end
		return result;
	end);
	function commands.sender()
		return command_senders[coroutine.running() or MAIN_THREAD];
	end

	local function forbidden(text)
		return { status = "error", error = { type = "auth", condition = "forbidden", text = text } };
	end

	local function run(node, handler, ...)
		local ok, result, new_state = pcall(handler, ...);
		if ok then return result, new_state; end
		module:log("error", "The command %s failed: %s", node, result);
		return { status = "error", error = { type = "wait", condition = "internal-server-error",
			text = "The command failed. The server's log says why." } };
	end

	-- A command for those who may administer the module (invite_desk:administer
	-- on 13, admins on 0.12).
	function commands.admin(name, node, handler)
		table.insert(commands.nodes, node);
		return adhoc_new(name, node, function (_, data, state)
			if not permissions.may_administer(data) then return forbidden("Only admins of "..host.." may use this command"); end
			return run(node, handler, data, state, false);
		end, "admin");
	end

	-- An admin command that members run too, where `admits(data)` lets them
	-- (it returns nil and why not for the others): listed to every local
	-- account, and the handler's third argument says whether a member runs it.
	function commands.member(name, node, admits, handler)
		table.insert(commands.nodes, node);
		return adhoc_new(name, node, function (_, data, state)
			if permissions.may_administer(data) then return run(node, handler, data, state, false); end
			local admitted, why = admits(data);
			if not admitted then return forbidden(why); end
			return run(node, handler, data, state, true);
		end, "local_user");
	end

	-- A command with one form, for admins, and for members where `admits` is
	-- given (see commands.member). Without a submitted form it shows the
	-- form (with `initial(data, as_member)` values); a form sent with the first
	-- request runs it at once. Fields that fail the form's own checks are named in the note.
	function commands.form(name, node, layout, handler, initial, admits)
		local function body(data, _, as_member)
			if data.action == "cancel" then return { status = "canceled" }; end
			if not data.form then
				return { status = "executing", actions = { "complete", default = "complete" },
					form = { layout = layout, values = initial and initial(data, as_member) } }, "executing";
			end
			local fields, errors = layout:data(data.form);
			if errors then
				local problems = {};
				for _, field in ipairs(layout) do
					if errors[field.name] then table.insert(problems, (field.label or field.name)..": "..errors[field.name]); end
				end
				return commands.fail("Check these fields. "..table.concat(problems, "; ")..".");
			end
			return handler(fields, data, as_member);
		end
		if admits then return commands.member(name, node, admits, body); end
		return commands.admin(name, node, body);
	end

	return commands;
end
