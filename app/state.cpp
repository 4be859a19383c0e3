#include "state.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

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

// Seeds travel through JavaScript numbers (the JS API, snapshots), exact only below 2^53; a double would read
// 2^53 + 1 as 2^53, so the digits are read as an integer.
constexpr std::uint64_t kMaxSeed = (std::uint64_t{1} << 53) - 1;

bool parse_seed(const std::string& text, std::uint64_t& out) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  std::uint64_t v = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (error != std::errc() || end != text.data() + text.size() || v > kMaxSeed) return false;
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
    problems.push_back("URL: " + key + "=" + value + " is not valid (" + accepted + "); " +
                       (set_before.count(key) ? "keeping its value from before" : "using the default"));
  };
  double v = 0;
  if (key == "link") {
    if (value.empty()) return bad("a preset as preset:NAME or an expression in z1..zr");
    s.link = value;
  } else if (key == "r") {
    if (!parse_number(value, v) || v != std::floor(v) || v < 0 || v > 8)
      return bad("an integer 1..8, or 0 for the link's own r");
    s.r = static_cast<int>(v);
  } else if (key == "d") {
    if (!parse_number(value, v) || v != std::floor(v) || v < 2 || v > 1e12) return bad("a whole number 2..1e12");
    s.d = v;
  } else if (key == "objective") {
    if (value != "joint" && value != "planted") return bad("joint or planted");
    s.objective = value;
  } else if (key == "init") {
    // An explicit start is given by the M0 key itself, which sets init = M0.
    if (value != "random" && value != "equator" && value != "isotropic")
      return bad("random, equator or isotropic (or give M0=...)");
    s.init = value;
  } else if (key == "seed") {
    if (!parse_seed(value, s.seed))
      return bad("a non-negative integer below 2^53, at most " + std::to_string(kMaxSeed));
  } else if (key == "eps") {
    if (!parse_number(value, v) || !(v > 0) || v > 1) return bad("a number in (0, 1]");
    s.eps = v;
  } else if (key == "M0") {
    if (value.empty()) return bad("a matrix as rows separated by ';', entries by ',', e.g. 0.1,0;0,0.1");
    s.M0 = value;
    s.init = "M0";
  } else if (key == "t-max") {
    if (!parse_number(value, v) || !(v > 0)) return bad("a positive number");
    s.t_max = v;
  } else if (key == "degree") {
    if (!parse_number(value, v) || v != std::floor(v) || v < 1 || v > 16) return bad("an integer 1..16");
    s.degree = static_cast<int>(v);
  } else if (key == "n") {
    if (!parse_number(value, v) || v != std::floor(v) || v < 0 || v > 1e7)
      return bad("a whole number of samples 0..1e7 (0 = population only)");
    s.n = v;
  } else if (key == "noise") {
    if (!parse_number(value, v) || v < 0 || v > 100) return bad("a label-noise standard deviation 0..100");
    s.noise = v;
  } else if (key == "speed") {
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
        problems.push_back("URL: panels: unknown panel '" + id + "' skipped (panels are " + names + ")");
      }
    }
    if (!ids.empty()) s.panels = ids;
  } else if (key == "embed") {
    if (!parse_flag(value, s.embed)) bad("1 or 0");
  } else if (key == "compare") {
    if (!parse_flag(value, s.compare)) bad("1 or 0");
  } else if (key == "paused") {
    if (!parse_flag(value, s.paused)) bad("1 or 0");
  } else if (key == "axis") {
    if (value != "log" && value != "linear") return bad("log or linear");
    s.log_time = value == "log";
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
  if (s.link != def.link) kv.emplace_back("link", s.link);
  if (s.r != def.r) kv.emplace_back("r", std::to_string(s.r));
  if (s.d != def.d) kv.emplace_back("d", format_number(s.d));
  if (s.objective != def.objective) kv.emplace_back("objective", s.objective);
  if (s.init != def.init && s.init != "M0") kv.emplace_back("init", s.init);
  if (s.seed != def.seed) kv.emplace_back("seed", std::to_string(s.seed));
  if (s.eps != def.eps) kv.emplace_back("eps", format_number(s.eps));
  if (s.init == "M0") kv.emplace_back("M0", s.M0);
  if (s.t_max != def.t_max) kv.emplace_back("t-max", format_number(s.t_max));
  if (s.degree != def.degree) kv.emplace_back("degree", std::to_string(s.degree));
  if (s.n != def.n) kv.emplace_back("n", format_number(s.n));
  if (s.noise != def.noise) kv.emplace_back("noise", format_number(s.noise));
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
  std::string out;
  for (const auto& [k, v] : kv) out += (out.empty() ? "" : "&") + k + "=" + percent_encode(v);
  return out;
}

std::string to_command_line(const AppState& s) {
  // POSIX single quotes: a ' inside becomes '\'' so any expression survives the shell.
  auto quote = [](const std::string& v) {
    std::string out = "'";
    for (char c : v) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  std::string cmd = "grassflow flow --link " + quote(s.link);
  if (s.r > 0) cmd += " --r " + std::to_string(s.r);
  cmd += " --objective " + s.objective + " --d " + format_number(s.d);
  if (s.init == "M0") {
    cmd += " --M0 " + quote(s.M0);
  } else {
    cmd += " --init " + s.init;
    if (s.init != "isotropic") cmd += " --seed " + std::to_string(s.seed);
    if (s.eps > 0) cmd += " --eps " + format_number(s.eps);
  }
  if (s.t_max != AppState().t_max) cmd += " --t-max " + format_number(s.t_max);
  if (s.degree != AppState().degree) cmd += " --degree " + std::to_string(s.degree);
  return cmd;
}

}  // namespace grassflow::app
