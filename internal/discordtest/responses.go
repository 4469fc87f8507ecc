package discordtest

import (
	"fmt"
	"net/http"
)

// response is what a handler answers.
type response struct {
	status int
	body   any // JSON-encoded unless nil
	header http.Header
	echo   []echoEvent
	dedup  bool
}

type echoEvent struct {
	t string
	d map[string]any
}

func jsonResp(status int, body any) response { return response{status: status, body: body} }

func noContent() response { return response{status: http.StatusNoContent} }

var defaultErrorMessages = map[int]string{
	10003: "Unknown Channel",
	10008: "Unknown Message",
	10015: "Unknown Webhook",
	10062: "Unknown interaction",
	10063: "Unknown application command",
	40060: "Interaction has already been acknowledged.",
	50001: "Missing Access",
	50005: "Cannot edit a message authored by another user",
	50006: "Cannot send an empty message",
	50007: "Cannot send messages to this user",
	50013: "Missing Permissions",
	50035: "Invalid Form Body",
	50109: "The request body contains invalid JSON.",
}

func errResp(status, code int, msg string) response {
	if msg == "" {
		msg = defaultErrorMessages[code]
	}
	if msg == "" {
		msg = fmt.Sprintf("%d: %s", status, http.StatusText(status))
	}
	return jsonResp(status, map[string]any{"message": msg, "code": code})
}

// formError builds Discord's 400 / 50035 Invalid Form Body with the error
// nested under path (e.g. ["content"] or ["0", "name"]).
func formError(path []string, code, msg string) response {
	var errs any = map[string]any{"_errors": []any{map[string]any{"code": code, "message": msg}}}
	for i := len(path) - 1; i >= 0; i-- {
		errs = map[string]any{path[i]: errs}
	}
	return jsonResp(http.StatusBadRequest, map[string]any{
		"code": 50035, "message": "Invalid Form Body", "errors": errs,
	})
}
