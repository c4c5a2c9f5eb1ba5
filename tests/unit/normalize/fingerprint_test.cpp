// Story fingerprints: near copies are near, different stories are far.
#include "normalize/fingerprint.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "normalize/html.hpp"
#include "normalize/word_hash.hpp"
#include "parse/parse.hpp"
#include "support/temp_dir.hpp"
#include "unit/normalize/generated_inputs.hpp"

namespace tributary::normalize {
namespace {

constexpr std::string_view kBody =
    "The government announced on Tuesday that the new highway connecting the two cities will open next spring, "
    "after years of delays caused by financing disputes and legal challenges from environmental groups. Officials "
    "said the final section was completed ahead of schedule and that tolls would be lower than first planned.";

TEST(Fingerprint, SameTextSameFingerprint) {
  EXPECT_EQ(story_fingerprint("Highway to open", kBody), story_fingerprint("Highway to open", kBody));
}

TEST(Fingerprint, SmallEditIsWithinAFewBits) {
  const auto a = story_fingerprint("Highway to open next spring", kBody);
  const auto b = story_fingerprint("Highway will open next spring", kBody);
  EXPECT_LE(hamming_distance(a, b), 8);
}

TEST(Fingerprint, DifferentStoriesAreFarApart) {
  const auto a = story_fingerprint("Highway to open", kBody);
  const auto b = story_fingerprint("Football club wins the cup",
                                   "The home team won the national cup final on Sunday evening with a late goal in "
                                   "extra time, sending thousands of supporters into the streets to celebrate until "
                                   "the early hours of Monday morning across the whole city.");
  EXPECT_GT(hamming_distance(a, b), 15);
}

// SimHash written the plain way (a ±1 per bit per word), as fingerprints
// were first computed: stored fingerprints must not change. Its word hash
// repeats fingerprint.cpp's on purpose: a reference sharing the code under
// test could not catch a change to it.
std::uint64_t reference_fingerprint(std::string_view title, std::string_view text) {
  const auto words_of = [](std::string_view input) {
    std::vector<std::string> words;
    std::string word;
    for (char c : input) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte >= 0x80 || std::isalnum(byte)) {
        word.push_back(static_cast<char>(std::tolower(byte)));
      } else if (!word.empty()) {
        words.push_back(word);
        word.clear();
      }
    }
    if (!word.empty()) words.push_back(word);
    return words;
  };
  const auto hash_of = [](const std::string& word) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : word) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    hash ^= hash >> 30;
    hash *= 0xbf58476d1ce4e5b9ULL;
    hash ^= hash >> 27;
    hash *= 0x94d049bb133111ebULL;
    hash ^= hash >> 31;
    return hash;
  };
  std::vector<std::string> words = words_of(text);
  if (words.size() < 30)
    for (std::string& word : words_of(title)) words.push_back(std::move(word));
  if (words.empty()) return 0;
  std::array<int, 64> weights{};
  for (const std::string& word : words) {
    const std::uint64_t hash = hash_of(word);
    for (int bit = 0; bit < 64; ++bit) weights[static_cast<std::size_t>(bit)] += ((hash >> bit) & 1) ? 1 : -1;
  }
  std::uint64_t fingerprint = 0;
  for (int bit = 0; bit < 64; ++bit)
    if (weights[static_cast<std::size_t>(bit)] > 0) fingerprint |= (1ULL << bit);
  return fingerprint;
}

TEST(Fingerprint, KnownValuesStayTheSame) {
  // Written by the first implementation (a 64-step loop per word); a change
  // here changes every fingerprint already stored.
  EXPECT_EQ(story_fingerprint("Highway to open", kBody), 0x913bca0e8a6a1475ULL);
  EXPECT_EQ(story_fingerprint("Highway to open", "short text"), 0x54f64bfdedc50fccULL);
  EXPECT_EQ(reference_fingerprint("Highway to open", kBody), 0x913bca0e8a6a1475ULL);
}

// A title of up to 7 of `words` and a text of them, joined by separators:
// every tenth round up to 1,200 words (past the 255 words the SimHash byte
// counters hold at once), else up to 59 (around the 30 words below which
// the title counts).
std::pair<std::string, std::string> generated_title_and_text(const std::vector<std::string>& words,
                                                             testing::TestNumbers& next, int round) {
  static const std::vector<std::string> separators = {" ", "  ", ", ", ".\n", "—", "&", "\t", "'"};
  std::string title;
  std::string text;
  for (std::size_t i = 0, n = next() % 8; i < n; ++i) title += words[next() % words.size()] + separators[next() % 3];
  const std::size_t length = round % 10 == 0 ? next() % 1200 : next() % 60;
  for (std::size_t i = 0; i < length; ++i)
    text += words[next() % words.size()] + separators[next() % separators.size()];
  return {std::move(title), std::move(text)};
}

TEST(Fingerprint, EqualsThePlainSimHashOnManyInputs) {
  const std::vector<std::string> words = {"the",  "City", "council", "approved", "Café",    "naïve", "Đakovo", "a1",
                                          "2025", "x",    "budget",  "tram",     "Šibenik", "same",  "same",   "same"};
  testing::TestNumbers next(99);
  for (int round = 0; round < 3000; ++round) {
    const auto [title, text] = generated_title_and_text(words, next, round);
    const StoryWords result = story_words(title, text);
    ASSERT_EQ(result.fingerprint, reference_fingerprint(title, text)) << "title: " << title << "\ntext: " << text;
    ASSERT_EQ(result.word_count, count_words(title) + count_words(text));
  }
}

// story_words reads the text as two halves side by side, cut at a
// separator; every shape of cut must count the same words.
TEST(Fingerprint, ReadsEveryWordWhereverTheTextIsCut) {
  const std::string long_word(700, 'w');
  for (const std::string& text :
       {std::string(), std::string(" "), std::string(500, ' '), long_word, long_word + " a", "a " + long_word,
        long_word + " " + long_word, std::string("ab"), std::string("a b"), std::string("ab cd"), std::string("abc d"),
        std::string("\xC3\xA9t\xC3\xA9 caf\xC3\xA9"), std::string(40, 'x') + std::string(40, '.')}) {
    for (const std::string& title : {std::string(), std::string("Title words")}) {
      const StoryWords result = story_words(title, text);
      EXPECT_EQ(result.fingerprint, reference_fingerprint(title, text)) << "text: " << text;
      EXPECT_EQ(result.word_count, count_words(title) + count_words(text));
    }
  }
  EXPECT_EQ(count_words(long_word + " " + long_word), 2u);
  EXPECT_EQ(count_words("ab cd"), 2u);
  EXPECT_EQ(count_words(std::string(500, ' ')), 0u);
}

// Stored databases hold these keys (story_fingerprints.story_keys): the
// one-pass story_keys must give exactly the keys of the bigrams and lead
// bigrams of the reference reading, the smallest kFullKeys and kLeadKeys
// of each.
std::vector<std::uint32_t> keys_of_story_text(std::string_view text) {
  const StoryText story = story_text_word_by_word({}, text);
  std::vector<std::uint32_t> full;
  std::vector<std::uint32_t> lead;
  for (const std::uint64_t pair : story.bigrams) full.push_back(static_cast<std::uint32_t>(pair) & ~kLeadKeyBit);
  for (const std::uint64_t pair : story.lead_bigrams)
    lead.push_back(static_cast<std::uint32_t>(mix(pair ^ 0x1ead)) | kLeadKeyBit);
  for (auto* keys : {&full, &lead}) {
    std::sort(keys->begin(), keys->end());
    keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
  }
  full.resize(std::min(full.size(), kFullKeys));
  lead.resize(std::min(lead.size(), kLeadKeys));
  full.insert(full.end(), lead.begin(), lead.end());
  return full;
}

void expect_same_story_text(std::string_view title, std::string_view text) {
  const StoryText fast = story_text(title, text);
  const StoryText reference = story_text_word_by_word(title, text);
  ASSERT_EQ(fast.bigrams, reference.bigrams) << "title: " << title << "\ntext: " << text;
  ASSERT_EQ(fast.words, reference.words) << "title: " << title << "\ntext: " << text;
  ASSERT_EQ(fast.lead_bigrams, reference.lead_bigrams) << "title: " << title << "\ntext: " << text;
  ASSERT_EQ(fast.numbers, reference.numbers) << "title: " << title << "\ntext: " << text;
  ASSERT_EQ(fast.title_words, reference.title_words) << "title: " << title << "\ntext: " << text;
}

// story_text reads packed words, the reference one word at a time: stop
// words in every case, words that begin like one, digits (numbers), non-
// ASCII bytes, long words, in the text and in the title.
TEST(StoryText, EqualsTheWordByWordReadingOnGeneratedTexts) {
  const std::vector<std::string> words = {
      "the", "THE",      "said", "whether",  "Whethers",         "thereby",    "wasn",   "a",    "I",   "a1",   "7",
      "42",  "ab",       "é",    "Café",     "Đakovo",           "council",    "budget", "2025", "x9y", "ONTO", "years",
      "ten", "betweens", "\xff", "\x80\x80", "longwordlongword", "12345678901"};
  const std::vector<std::string> separators = {" ", "  ", ", ", ".\n", "—", "&", "\t", "'", "\x01", "-"};
  testing::TestNumbers next(1914);
  for (int round = 0; round < 3000; ++round) {
    std::string title;
    std::string text;
    for (std::size_t i = 0, length = next() % 8; i < length; ++i)
      title += words[next() % words.size()] + separators[next() % separators.size()];
    for (std::size_t i = 0, length = round % 10 == 0 ? next() % 400 : next() % 80; i < length; ++i)
      text += words[next() % words.size()] + separators[next() % separators.size()];
    expect_same_story_text(title, text);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(StoryKeys, AreTheSmallestKeysOfStoryTextsBigramsAndLeadBigrams) {
  const std::string long_text =
      std::string(kBody) + " " + std::string(kBody) + " Minister Ana Brnabic, 2025: 14 of 15.";
  for (const std::string_view text : {kBody, std::string_view(long_text), std::string_view("one"), std::string_view(""),
                                      std::string_view("Šta je novo u Beogradu danas?")})
    EXPECT_EQ(story_keys(text), keys_of_story_text(text)) << text;
}

// story_keys reads words, stop words and their hashes its own way (packed
// words, no copies): generated texts of stop words in every case, words
// that begin like one ("thereby", "wasn"), digits, non-ASCII bytes, repeats
// and long words must give story_text's keys.
TEST(StoryKeys, EqualStoryTextsKeysOnGeneratedTexts) {
  const std::vector<std::string> words = {"the",      "THE",     "The",
                                          "said",     "SAID",    "whether",
                                          "Whethers", "thereby", "wasn",
                                          "a",        "I",       "a1",
                                          "7",        "42",      "ab",
                                          "é",        "Café",    "naïve",
                                          "Đakovo",   "Šibenik", "council",
                                          "approved", "budget",  "tram",
                                          "2025",     "x9y",     "onto",
                                          "ONTO",     "yet",     "year",
                                          "years",    "day",     "ten",
                                          "tens",     "between", "betweens",
                                          "ste",      "\xff",    "longwordlongword"};
  const std::vector<std::string> separators = {" ", "  ", ", ", ".\n", "—", "&", "\t", "'", "\x01", "-"};
  testing::TestNumbers next(2026);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const std::size_t length = round % 10 == 0 ? next() % 400 : next() % 80;
    for (std::size_t i = 0; i < length; ++i)
      text += words[next() % words.size()] + separators[next() % separators.size()];
    ASSERT_EQ(story_keys(text), keys_of_story_text(text)) << text;
  }
}

// normalize reads each text once for its fingerprint, word count and keys.
TEST(StoryFeatures, EqualStoryWordsAndStoryKeysOnGeneratedTexts) {
  const std::vector<std::string> words = {"the",     "City", "council", "approved", "Café",   "naïve",
                                          "Đakovo",  "a1",   "2025",    "x",        "budget", "SAID",
                                          "Šibenik", "same", "same",    "whether"};
  testing::TestNumbers next(31);
  for (int round = 0; round < 3000; ++round) {
    const auto [title, text] = generated_title_and_text(words, next, round);
    const StoryFeatures features = story_features(title, text);
    const StoryWords expected = story_words(title, text);
    ASSERT_EQ(features.words.fingerprint, expected.fingerprint) << "title: " << title << "\ntext: " << text;
    ASSERT_EQ(features.words.word_count, expected.word_count) << "title: " << title << "\ntext: " << text;
    ASSERT_EQ(features.keys, story_keys(text)) << text;
  }
}

// Held to the reference reading's keys (and story_text to that reading,
// story_features to story_words and story_keys) on every text of the
// corpus.
TEST(StoryKeys, EqualStoryTextsKeysOnTheCorpus) {
  const std::vector<testing::CorpusDocument> documents = testing::corpus_documents();
  if (documents.empty()) GTEST_SKIP() << "no shared corpus";
  std::size_t texts = 0;
  for (const testing::CorpusDocument& document : documents) {
    const parse::ParseOutcome outcome =
        parse::parse_feed(testing::read_text_file(document.path), {document.base_url, {}, {}});
    if (!outcome.feed) continue;
    for (const parse::RawItem& item : outcome.feed->items) {
      for (const std::string& text :
           {html_to_text(item.content.value), html_to_text(item.summary.value), html_to_text(item.title.value)}) {
        if (text.empty()) continue;
        ++texts;
        ASSERT_EQ(story_keys(text), keys_of_story_text(text)) << document.path.string() << ": " << text;
        expect_same_story_text(html_to_text(item.title.value), text);
        if (::testing::Test::HasFatalFailure()) return;
        const StoryFeatures features = story_features(item.title.value, text);
        const StoryWords words = story_words(item.title.value, text);
        ASSERT_EQ(features.words.fingerprint, words.fingerprint) << text;
        ASSERT_EQ(features.words.word_count, words.word_count) << text;
        ASSERT_EQ(features.keys, story_keys(text)) << text;
      }
    }
  }
  EXPECT_GT(texts, 1000u);
}

}  // namespace
}  // namespace tributary::normalize
