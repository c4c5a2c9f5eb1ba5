// JSON documents as Tributary publishes them: every string (and key) holds
// only publishable characters (core::is_publishable), the same guarantee as
// the XML writer's, so /feed.json and /sources.json are strict UTF-8 JSON
// whatever a feed or an upstream server put in a field.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace tributary::render {

std::string serialize_publishable(boost::json::value document);

}  // namespace tributary::render
