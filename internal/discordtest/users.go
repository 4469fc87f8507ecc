package discordtest

import "net/http"

func (s *Server) getMe(*Call, []string) response {
	return jsonResp(http.StatusOK, s.botUser())
}

func (s *Server) getUser(_ *Call, p []string) response {
	if p[0] == s.BotID {
		return jsonResp(http.StatusOK, s.botUser())
	}
	return jsonResp(http.StatusOK, userObject(p[0], false))
}

func (s *Server) getApplication(*Call, []string) response {
	return jsonResp(http.StatusOK, map[string]any{
		"id":                     s.AppID,
		"name":                   s.BotName,
		"icon":                   nil,
		"description":            "",
		"bot_public":             false,
		"bot_require_code_grant": false,
		"bot":                    s.botUser(),
		"flags":                  0,
		"verify_key":             "0000",
	})
}
