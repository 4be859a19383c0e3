#include "state.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "grassflow/errors.h"
#include "grassflow/matrix_text.h"
#include "layout.h"

namespace grassflow::app {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

bool parse_flag(const std::string& text, bool& out) {
  if (text == "1" || text == "true" || text.empty()) return out = true, true;
  if (text == "0" || text == "false") return out = false, true;
  return false;
}

std::string format_number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e7) return std::to_string(static_cast<long long>(v));
  return shortest_text(v);
}

// `set_before`: the keys the query set before this hash is read (the JS API's set() passes the current state
// as the query), whose values a bad one leaves in place rather than the defaults.
void apply(AppState& s, const std::string& key, const std::string& value, std::vector<std::string>& problems,
           const std::set<std::string>& set_before) {
  auto bad = [&](const std::string& accepted) {
    problems.push_back("URL " + key + ": '" + value + "' is not valid (" + accepted + "); " +
                       (set_before.count(key) ? "keeping its value from before" : "using the default"));
  };
  if (find_experiment_key(key)) {
    try {
      set_experiment_key(s, key, value);
    } catch (const InputError& e) {
      problems.push_back(user_message(e, Surface::url) + "; " +
                         (set_before.count(key) ? "keeping its value from before" : "using the default"));
    }
    return;
  }
  double v = 0;
  if (key == "speed") {
    if (!parse_number(value, v) || v < 0) return bad("simulated time per second, a positive number (0 = automatic)");
    s.speed = v;
  } else if (key == "dt") {
    if (!parse_number(value, v) || v < 0) return bad("simulated time per frame, a positive number (0 = real time)");
    s.dt = v;
  } else if (key == "panels") {
    std::vector<std::string> ids;
    std::stringstream list(value);
    std::string id;
    while (std::getline(list, id, ',')) {
      bool known = false;
      for (const std::string& p : all_panel_ids()) known = known || p == id;
      if (known) {
        ids.push_back(id);
      } else if (!id.empty()) {
        std::string names;
        for (const std::string& p : all_panel_ids()) names += (names.empty() ? "" : ", ") + p;
        problems.push_back("URL panels: unknown panel '" + id + "' skipped (panels are " + names + ")");
      }
    }
    if (!ids.empty()) s.panels = ids;
  } else if (key == "embed") {
    if (!parse_flag(value, s.embed)) bad("1 or 0");
  } else if (key == "compare") {
    if (!parse_flag(value, s.compare)) bad("1 or 0");
  } else if (key == "paused") {
    if (!parse_flag(value, s.paused)) bad("1 or 0");
  } else if (key == "pause-at") {
    if (value != "escape" && value != "none") return bad("escape, to stop at each escape time, or none");
    s.pause_at_escape = value == "escape";
  } else if (key == "t-range") {
    const auto comma = value.find(',');
    double a = 0, b = 0;
    if (comma == std::string::npos || !parse_number(value.substr(0, comma), a) ||
        !parse_number(value.substr(comma + 1), b) || a < 0 || b <= a)
      return bad("two times a,b with 0 <= a < b, e.g. 0.01,1e4; a > 0 on a log axis");
    s.t_min = a;
    s.t_max_shown = b;
  } else if (key == "t-show") {
    if (!parse_number(value, v) || v < 0) return bad("a simulated time >= 0 to open at, e.g. 100");
    s.t_show = v;
  } else if (key == "axis") {
    if (value != "log" && value != "linear") return bad("log or linear");
    s.log_time = value == "log";
  } else if (key == "theme") {
    if (value != "dark" && value != "light") return bad("dark or light");
    s.theme = value == "light" ? Theme::light : Theme::dark;
  } else if (key == "scale") {
    if (!parse_number(value, v) || v < 0.5 || v > 4) return bad("a number from 0.5 to 4");
    s.scale = v;
  } else {
    problems.push_back("URL: unknown key '" + key + "' ignored");
  }
}

// Applies the key=value pairs of `text` to s; adds the keys it read to `given`.
void parse_into(const std::string& text, AppState& s, std::vector<std::string>& problems,
                std::set<std::string>& given) {
  const std::set<std::string> set_before = given;
  std::string body = text;
  if (!body.empty() && (body[0] == '#' || body[0] == '?')) body.erase(0, 1);
  struct Pair {
    std::string key, value;
  };
  std::vector<Pair> pairs;
  std::stringstream list(body);
  std::string pair;
  while (std::getline(list, pair, '&')) {
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    bool ok_key = true, ok_value = true;
    const std::string key = percent_decode(pair.substr(0, eq), &ok_key);
    const std::string value = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1), &ok_value);
    if (!ok_key || !ok_value) problems.push_back("URL: '" + pair + "' has a malformed %-escape; read literally");
    pairs.push_back({key, value});
  }
  // A key given twice: only its last value is read (an earlier bad one is no problem), and that is said.
  std::map<std::string, std::pair<std::size_t, int>> last_and_count;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    auto& [last, count] = last_and_count[pairs[i].key];
    last = i;
    ++count;
  }
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto [last, count] = last_and_count[pairs[i].key];
    if (last != i) continue;
    // An explicit start replaces init whatever the order, as the CLI's --M0 excludes --init.
    if (pairs[i].key == "init" && last_and_count.count("M0")) {
      problems.push_back("URL init: ignored: M0 gives the start; give init or M0, not both");
      continue;
    }
    if (count > 1)
      problems.push_back("URL: " + pairs[i].key + " given " + std::to_string(count) + " times; using the last value (" +
                         pairs[i].key + "=" + pairs[i].value + ")");
    apply(s, pairs[i].key, pairs[i].value, problems, set_before);
    given.insert(pairs[i].key);
  }
}

}  // namespace

std::string percent_decode(const std::string& text, bool* ok) {
  std::string out;
  bool fine = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      if (text[i] == '%') fine = false;
      out += text[i];
    }
  }
  if (ok) *ok = fine;
  return out;
}

std::string percent_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || std::string("-_.!~*'()").find(static_cast<char>(c)) != std::string::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

ParsedState parse_state(const std::string& query, const std::string& hash) {
  ParsedState parsed;
  std::set<std::string> given;
  parse_into(query, parsed.state, parsed.problems, given);
  parse_into(hash, parsed.state, parsed.problems, given);
  return parsed;
}

std::string to_hash(const AppState& s) {
  const AppState def;
  std::vector<std::pair<std::string, std::string>> kv;
  for (const ExperimentKey& key : experiment_keys())
    if (differs_from_default(key, s)) kv.emplace_back(key.name, key.format(s));
  if (s.speed != def.speed) kv.emplace_back("speed", format_number(s.speed));
  if (s.dt != def.dt) kv.emplace_back("dt", format_number(s.dt));
  if (!s.panels.empty()) {
    std::string ids;
    for (const std::string& p : s.panels) ids += (ids.empty() ? "" : ",") + p;
    kv.emplace_back("panels", ids);
  }
  if (s.embed) kv.emplace_back("embed", "1");
  if (s.compare) kv.emplace_back("compare", "1");
  if (!s.log_time) kv.emplace_back("axis", "linear");
  if (s.paused) kv.emplace_back("paused", "1");
  if (s.pause_at_escape) kv.emplace_back("pause-at", "escape");
  if (s.t_max_shown > 0) kv.emplace_back("t-range", format_number(s.t_min) + "," + format_number(s.t_max_shown));
  if (s.t_show > 0) kv.emplace_back("t-show", format_number(s.t_show));
  if (s.theme != def.theme) kv.emplace_back("theme", "light");
  if (s.scale != def.scale) kv.emplace_back("scale", format_number(s.scale));
  std::string out;
  for (const auto& [k, v] : kv) out += (out.empty() ? "" : "&") + k + "=" + percent_encode(v);
  return out;
}

}  // namespace grassflow::app
