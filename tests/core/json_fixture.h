// Reading the JSON fixtures of tests/fixtures/ (natively and under node, through GRASSFLOW_TEST_DATA).
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

/// The parsed contents of tests/fixtures/NAME; fails the test when the file is missing.
inline nlohmann::json read_json_fixture(const std::string& name) {
  std::ifstream in(std::string(GRASSFLOW_TEST_DATA) + "/" + name);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name << ": run the make_*.py script next to it");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}
