package telegramtest

import (
	"bytes"
	"image"
	_ "image/gif" // photo uploads are checked by decoding them
	_ "image/jpeg"
	_ "image/png"
	"mime"
	"net/http"
	"path"
	"strings"
)

// media parses what sendPhoto and sendDocument have in common.
func (s *Server) media(c Call) (Message, string, *Fault) {
	chat, f := s.chat(c)
	if f != nil {
		return Message{}, "", f
	}
	caption, f := formatText(c.Fields["caption"], c.Fields["parse_mode"], maxCaptionLen, "", "message caption is too long")
	if f != nil {
		return Message{}, "", f
	}
	markup, f := replyMarkup(c.Fields["reply_markup"])
	if f != nil {
		return Message{}, "", f
	}
	m := s.newMessage(chat)
	m.Caption = caption
	m.ReplyMarkup = rawOrNil(markup)
	return m, markup, nil
}

// upload finds the file sent as field: a multipart part of that name, or "attach://<name>".
func upload(c Call, field string) (File, bool) {
	if f, ok := c.Files[field]; ok {
		return f, true
	}
	if name, ok := strings.CutPrefix(c.Fields[field], "attach://"); ok {
		f, ok := c.Files[name]
		return f, ok
	}
	return File{}, false
}

func sendPhoto(s *Server, c Call) (any, *Fault) {
	m, markup, f := s.media(c)
	if f != nil {
		return nil, f
	}
	if file, ok := upload(c, "photo"); ok {
		if len(file.Data) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		if len(file.Data) > maxPhotoBytes {
			return nil, &Fault{Status: http.StatusRequestEntityTooLarge, Description: "Request Entity Too Large"}
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(file.Data))
		if err != nil {
			return nil, badRequest("IMAGE_PROCESS_FAILED")
		}
		if cfg.Width+cfg.Height > 10000 || cfg.Width > 20*cfg.Height || cfg.Height > 20*cfg.Width {
			return nil, badRequest("PHOTO_INVALID_DIMENSIONS")
		}
		m.Photo = photoSizes(cfg.Width, cfg.Height, len(file.Data))
	} else if c.Fields["photo"] != "" { // a file_id or an HTTP URL
		m.Photo = photoSizes(1280, 960, 180000)
	} else {
		return nil, badRequest("there is no photo in the request")
	}
	s.store(m, markup)
	return m, nil
}

func sendDocument(s *Server, c Call) (any, *Fault) {
	m, markup, f := s.media(c)
	if f != nil {
		return nil, f
	}
	id, uid := nextFileID("BQACAgIA")
	if file, ok := upload(c, "document"); ok {
		if len(file.Data) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		typ, _, _ := mime.ParseMediaType(mime.TypeByExtension(path.Ext(file.Name)))
		if typ == "" {
			typ, _, _ = mime.ParseMediaType(http.DetectContentType(file.Data))
		}
		m.Document = &Document{FileID: id, FileUniqueID: uid, FileName: file.Name, MimeType: typ, FileSize: len(file.Data)}
	} else if c.Fields["document"] != "" {
		m.Document = &Document{FileID: id, FileUniqueID: uid, FileName: "file", MimeType: "application/octet-stream", FileSize: 1000}
	} else {
		return nil, badRequest("there is no document in the request")
	}
	s.store(m, markup)
	return m, nil
}
