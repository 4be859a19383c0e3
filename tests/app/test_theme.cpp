// The themes (app/theme.h): WCAG contrast of every text and line colour against its background in both
// themes, the light theme's white page, the colormap read from the shader, and the UI scale rule (text at
// least 1/60 of the figure's height).
#include <doctest/doctest.h>
#include <imgui.h>

#include <cmath>
#include <string>

#include "theme.h"

using namespace grassflow::app;

TEST_CASE("WCAG luminance and contrast: the standard's reference values") {
  CHECK(relative_luminance(IM_COL32(255, 255, 255, 255)) == doctest::Approx(1.0));
  CHECK(relative_luminance(IM_COL32(0, 0, 0, 255)) == doctest::Approx(0.0));
  CHECK(contrast_ratio(IM_COL32(0, 0, 0, 255), IM_COL32(255, 255, 255, 255)) == doctest::Approx(21.0));
  // #767676 is the lightest grey with 4.5:1 on white (4.54); #777777 falls just short (4.48).
  CHECK(contrast_ratio(IM_COL32(0x76, 0x76, 0x76, 255), IM_COL32(255, 255, 255, 255)) ==
        doctest::Approx(4.54).epsilon(0.005));
  CHECK(contrast_ratio(IM_COL32(0x77, 0x77, 0x77, 255), IM_COL32(255, 255, 255, 255)) < 4.5);
  // Half-transparent white over black is mid grey.
  CHECK(over(IM_COL32(255, 255, 255, 128), IM_COL32(0, 0, 0, 255)) == IM_COL32(128, 128, 128, 255));
}

TEST_CASE("every text and line colour has at least 4.5:1 contrast on its background, in both themes") {
  for (Theme theme : {Theme::dark, Theme::light}) {
    const std::vector<ColourUse> uses = text_and_line_colours(theme);
    CHECK(uses.size() > 100);
    for (const ColourUse& use : uses) {
      const double ratio = contrast_ratio(use.colour, use.background);
      const std::string which = theme == Theme::light ? "light" : "dark";
      CAPTURE(which);
      CAPTURE(use.what);
      CAPTURE(ratio);
      CHECK(ratio >= 4.5);
    }
  }
}

TEST_CASE("theme=light is for white pages: white background and window, dark text; theme=dark is dark") {
  const Palette& light = palette(Theme::light);
  CHECK(relative_luminance(light.background) > 0.9);
  CHECK(relative_luminance(light.window) > 0.9);
  CHECK(relative_luminance(light.text) < 0.05);
  ImGuiStyle style;
  style_colours(style, Theme::light);
  CHECK(relative_luminance(ImGui::ColorConvertFloat4ToU32(style.Colors[ImGuiCol_WindowBg])) > 0.9);
  CHECK(relative_luminance(ImGui::ColorConvertFloat4ToU32(style.Colors[ImGuiCol_Text])) < 0.05);
  const Palette& dark = palette(Theme::dark);
  CHECK(relative_luminance(dark.background) < 0.02);
  CHECK(relative_luminance(dark.text) > 0.7);
  // Direction colours differ from each other in both themes (no two of the first four alike).
  for (Theme theme : {Theme::dark, Theme::light})
    for (int a = 0; a < 4; ++a)
      for (int b = a + 1; b < 4; ++b) CHECK(palette(theme).series[a] != palette(theme).series[b]);
}

TEST_CASE("the CPU colormap is the shader's viridis") {
  // matplotlib's viridis at 0, 0.5 and 1: #440154, #21918c, #fde725 (the shader's fit is within ~0.01).
  auto near = [](ImU32 a, int r, int g, int b) {
    return std::abs(static_cast<int>((a >> IM_COL32_R_SHIFT) & 0xFF) - r) <= 4 &&
           std::abs(static_cast<int>((a >> IM_COL32_G_SHIFT) & 0xFF) - g) <= 4 &&
           std::abs(static_cast<int>((a >> IM_COL32_B_SHIFT) & 0xFF) - b) <= 4;
  };
  CHECK(near(colormap(0.0f), 0x44, 0x01, 0x54));
  CHECK(near(colormap(0.5f), 0x21, 0x91, 0x8c));
  CHECK(near(colormap(1.0f), 0xfd, 0xe7, 0x25));
}

TEST_CASE("UI scale: the URL's scale times the display's, else text at least 1/60 of the figure's height") {
  // scale= given: it multiplies the display's own scale, whatever the height.
  CHECK(ui_scale(2.0, 1.0, 800) == 2.0f);
  CHECK(ui_scale(0.5, 2.0, 3000) == 1.0f);
  // Automatic: at least the display's scale; a 1080-high figure gets ≥ 18-pixel text (15 × scale).
  CHECK(ui_scale(0, 1.0, 800) == 1.0f);
  CHECK(ui_scale(0, 2.0, 800) == 2.0f);
  for (double height : {600.0, 1080.0, 1440.0, 2160.0, 4000.0}) {
    CAPTURE(height);
    const float s = ui_scale(0, 1.0, height);
    CHECK(15.0 * s >= height / 60.0);
    CHECK(15.0 * s < height / 60.0 + 15.0 / 8.0 + 1e-9 + (height < 900 ? 15.0 : 0.0));  // no more than a step over
  }
  CHECK(15.0f * ui_scale(0, 1.0, 1080) >= 18.0f);
}
