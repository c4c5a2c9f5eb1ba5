// The labeled story set of tests/fixtures/dedup/labeled (issue 23): reads
// its cases, writes each outlet's items as one Atom document (every item
// then goes through the real parser and normalizer), ingests the outlets
// into a Store in a given order, and scores the stories the store made
// against the labels. Shared by the store tests and bench/dedup.
//
// A case file: "kind: …" (and comments, "# …") then items, each after a
// line "---": "story: a" (items of one case with one letter are one story;
// every other pair of items, in the case or across cases, is not), "feed:"
// (the outlet's host), "link:", "date:" (RFC 3339), "title:", a blank line,
// and the text, paragraphs separated by blank lines.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "normalize/normalize.hpp"
#include "parse/parse.hpp"
#include "store/store.hpp"
#include "store/testing.hpp"

namespace tributary::store::labeled {

struct Item {
  int case_number = 0;
  std::string kind;
  std::string story;  // the label within its case
  std::string feed;   // the outlet's host
  std::string link;
  std::string date;
  std::string title;
  std::vector<std::string> paragraphs;
};

inline std::string trimmed(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

inline std::vector<Item> read_case(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot be read");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const int number = std::stoi(path.filename().string().substr(0, 2));
  std::string kind;
  std::vector<Item> items;
  std::size_t at = 0;
  for (; at < lines.size() && lines[at] != "---"; ++at)
    if (lines[at].rfind("kind: ", 0) == 0) kind = lines[at].substr(6);
  while (at < lines.size()) {
    ++at;  // "---"
    Item item{number, kind, {}, {}, {}, {}, {}, {}};
    for (; at < lines.size() && !trimmed(lines[at]).empty(); ++at) {
      const auto colon = lines[at].find(": ");
      if (colon == std::string::npos) throw std::runtime_error(path.string() + ": not a field: " + lines[at]);
      const std::string key = lines[at].substr(0, colon);
      const std::string value = lines[at].substr(colon + 2);
      if (key == "story")
        item.story = value;
      else if (key == "feed")
        item.feed = value;
      else if (key == "link")
        item.link = value;
      else if (key == "date")
        item.date = value;
      else if (key == "title")
        item.title = value;
      else
        throw std::runtime_error(path.string() + ": unknown field " + key);
    }
    std::string paragraph;
    for (; at < lines.size() && lines[at] != "---"; ++at) {
      if (trimmed(lines[at]).empty()) {
        if (!paragraph.empty()) item.paragraphs.push_back(paragraph);
        paragraph.clear();
      } else {
        paragraph += (paragraph.empty() ? "" : " ") + trimmed(lines[at]);
      }
    }
    if (!paragraph.empty()) item.paragraphs.push_back(paragraph);
    if (item.story.empty() || item.feed.empty() || item.link.empty() || item.date.empty() || item.title.empty())
      throw std::runtime_error(path.string() + ": an item lacks story, feed, link, date or title");
    items.push_back(std::move(item));
  }
  return items;
}

inline std::vector<Item> read_set(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& file : std::filesystem::directory_iterator(dir))
    if (file.path().extension() == ".story") files.push_back(file.path());
  std::sort(files.begin(), files.end());
  std::vector<Item> items;
  for (const auto& file : files)
    for (Item& item : read_case(file)) items.push_back(std::move(item));
  return items;
}

inline std::string xml_escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out.push_back(c);
  }
  return out;
}

// One outlet's items as an Atom document, newest first as feeds list them.
inline std::string atom_document(const std::string& feed, std::vector<const Item*> items) {
  std::sort(items.begin(), items.end(), [](const Item* a, const Item* b) { return a->date > b->date; });
  std::string atom = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>" +
                     xml_escaped(feed) + "</title><id>https://" + feed + "/</id><updated>" + items.front()->date +
                     "</updated>\n";
  for (const Item* item : items) {
    std::string html;
    for (const std::string& paragraph : item->paragraphs) html += "<p>" + paragraph + "</p>";
    atom += "<entry><title>" + xml_escaped(item->title) + "</title><link href=\"" + xml_escaped(item->link) +
            "\"/><id>" + xml_escaped(item->link) + "</id><published>" + item->date + "</published><updated>" +
            item->date + "</updated><content type=\"html\">" + xml_escaped(html) + "</content></entry>\n";
  }
  return atom + "</feed>\n";
}

// The outlets' documents, by host.
inline std::map<std::string, std::string> documents(const std::vector<Item>& items) {
  std::map<std::string, std::vector<const Item*>> by_feed;
  for (const Item& item : items) by_feed[item.feed].push_back(&item);
  std::map<std::string, std::string> result;
  for (const auto& [feed, feed_items] : by_feed) result[feed] = atom_document(feed, feed_items);
  return result;
}

inline std::string feed_url(const std::string& feed) { return "https://" + feed + "/feed.atom"; }

inline normalize::NormalizedFeed normalized(const std::string& feed, const std::string& document, core::Timestamp now) {
  parse::ParseOutcome parsed = parse::parse_feed(document, {feed_url(feed), {}, {}});
  if (!parsed.feed) throw std::runtime_error(feed + ": " + parsed.error);
  return normalize::normalize_feed(*parsed.feed, {feed_url(feed), now});
}

// After every case's latest date.
inline core::Timestamp ingest_time() { return *core::parse_rfc3339("2026-12-01T06:00:00Z"); }

// Ingests every outlet, in `order` (hosts), and returns each item's story.
inline std::vector<std::int64_t> stories_after_ingest(Store& store, const std::vector<Item>& items,
                                                      const std::vector<std::string>& order) {
  const auto docs = documents(items);
  for (const std::string& feed : order) {
    config::SourceSpec spec;
    spec.url = feed_url(feed);
    spec.name = feed;
    spec.is_named = true;
    store.ingest(store.ensure_source(spec), normalized(feed, docs.at(feed), ingest_time()), ingest_time());
  }
  std::vector<std::int64_t> stories;
  Statement& select = database_of(store).cached(
      "SELECT items.story_id FROM items JOIN sources ON sources.id = items.source_id "
      "WHERE sources.config_url = ?1 AND items.identity_key = ?2");
  for (const Item& item : items) {
    select.bind(1, feed_url(item.feed)).bind(2, normalize::IdentityKey::from_id(item.link).text());
    stories.push_back(select.step() ? select.int64(0) : -1);
    select.reset();
  }
  return stories;
}

inline std::vector<std::string> feeds_of(const std::vector<Item>& items) {
  std::set<std::string> feeds;
  for (const Item& item : items) feeds.insert(item.feed);
  return {feeds.begin(), feeds.end()};
}

// Precision and recall over pairs of items, and over groups (stories of
// two or more items in a case): a group is found when its items are one
// story holding nothing else. `is_counted` picks the cases scored.
struct Score {
  std::size_t true_pairs = 0, false_pairs = 0, missed_pairs = 0;
  std::size_t groups = 0, groups_found = 0, groups_split = 0, groups_polluted = 0;
  std::size_t apart_pairs = 0, apart_merged = 0;  // pairs labeled apart within a case
  std::vector<std::string> mistakes;
  double pair_precision() const {
    return true_pairs + false_pairs == 0
               ? 1.0
               : static_cast<double>(true_pairs) / static_cast<double>(true_pairs + false_pairs);
  }
  double pair_recall() const {
    return true_pairs + missed_pairs == 0
               ? 1.0
               : static_cast<double>(true_pairs) / static_cast<double>(true_pairs + missed_pairs);
  }
  double group_recall() const {
    return groups == 0 ? 1.0 : static_cast<double>(groups_found) / static_cast<double>(groups);
  }
};

template <typename IsCounted>
Score score(const std::vector<Item>& items, const std::vector<std::int64_t>& stories, IsCounted&& is_counted) {
  Score result;
  const auto name = [&](std::size_t i) {
    return std::to_string(items[i].case_number) + "/" + items[i].story + " " + items[i].feed;
  };
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!is_counted(items[i].case_number)) continue;
    for (std::size_t j = i + 1; j < items.size(); ++j) {
      if (!is_counted(items[j].case_number)) continue;
      const bool is_same = items[i].case_number == items[j].case_number && items[i].story == items[j].story;
      const bool is_merged = stories[i] == stories[j] && stories[i] >= 0;
      if (is_same && is_merged) ++result.true_pairs;
      if (is_same && !is_merged) ++result.missed_pairs;
      if (!is_same && is_merged) {
        ++result.false_pairs;
        result.mistakes.push_back("merged: " + name(i) + " + " + name(j));
      }
      if (!is_same && items[i].case_number == items[j].case_number) {
        ++result.apart_pairs;
        if (is_merged) ++result.apart_merged;
      }
    }
  }
  std::map<std::pair<int, std::string>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (is_counted(items[i].case_number)) groups[{items[i].case_number, items[i].story}].push_back(i);
  for (const auto& [label, members] : groups) {
    if (members.size() < 2) continue;
    ++result.groups;
    const bool is_one = std::all_of(members.begin(), members.end(),
                                    [&](std::size_t i) { return stories[i] == stories[members.front()]; });
    const auto in_story =
        static_cast<std::size_t>(std::count(stories.begin(), stories.end(), stories[members.front()]));
    if (!is_one) {
      ++result.groups_split;
      result.mistakes.push_back("split: " + std::to_string(label.first) + "/" + label.second + " (" +
                                items[members.front()].kind + ")");
    } else if (in_story != members.size()) {
      ++result.groups_polluted;
    } else {
      ++result.groups_found;
    }
  }
  return result;
}

// Cases whose number is a multiple of 4 are held out: the thresholds of
// normalize::match_stories were chosen on the others.
inline bool is_held_out(int case_number) { return case_number % 4 == 0; }

}  // namespace tributary::store::labeled
