// response_head: the status line and header fields the server sends before
// a response's body, appended to a buffer the connection keeps (so a
// request costs no allocation here once the buffer has grown), then sent
// with the body in one gathered write. The bytes are those Beast's
// serializer wrote for the same response (tests/unit/serve/
// response_head_test.cpp holds them to it): Server and Date first, then
// the document's fields as they were made, then the site's fields in order (a name given twice: the last value, where
// the last one stands), Content-Length where the status allows a body (HEAD too, RFC 9110 §9.3.2), and Connection as
// Beast's keep_alive() set it.
#pragma once

#include <string>
#include <string_view>

#include "serve/serve.hpp"

namespace tributary::serve {

// 1xx, 204 and 304 carry no body and no Content-Length (RFC 9110 §6.4.1).
bool status_allows_body(int status);

// `version`: 10 or 11; `date`: the Date field's value (RFC 9110 §6.6.1).
void append_response_head(std::string& out, const Response& response, unsigned version, bool keep_alive,
                          std::string_view date);

}  // namespace tributary::serve
