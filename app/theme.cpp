#include "theme.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "grassflow_shaders.h"

namespace grassflow::app {

namespace {

// Okabe–Ito (Okabe & Ito 2008, "Color Universal Design"), in the order the directions use them: sky blue,
// orange, bluish green, reddish purple, yellow, vermillion, blue. On the dark window they are used as they
// are (blue lightened); on white each is darkened along its hue to ≥ 5:1 (yellow, which cannot be, is
// replaced by a dark grey).
const Palette kDark = {
    IM_COL32(20, 23, 28, 255),     // background (web/index.html's #14171c)
    IM_COL32(15, 15, 15, 255),     // window
    IM_COL32(235, 235, 235, 255),  // text
    IM_COL32(170, 170, 170, 255),  // text_dim
    IM_COL32(255, 160, 90, 255),   // warning
    IM_COL32(0, 0, 0, 255),        // plot_background
    IM_COL32(128, 128, 140, 255),  // plot_frame
    IM_COL32(255, 255, 255, 28),   // grid
    IM_COL32(200, 200, 200, 255),  // crosshair
    {IM_COL32(86, 180, 233, 255), IM_COL32(230, 159, 0, 255), IM_COL32(0, 158, 115, 255), IM_COL32(204, 121, 167, 255),
     IM_COL32(240, 228, 66, 255), IM_COL32(216, 104, 15, 255), IM_COL32(54, 144, 194, 255)},
    {IM_COL32(230, 230, 230, 255), IM_COL32(230, 159, 0, 255)},  // run
    IM_COL32(0, 158, 115, 255),                                  // samples
    IM_COL32(175, 175, 175, 255),                                // reference
    IM_COL32(86, 180, 233, 255),                                 // bar
    IM_COL32(230, 159, 0, 255),                                  // bar_highlight
    IM_COL32(0, 114, 178, 255),                                  // matrix_negative
    IM_COL32(60, 60, 60, 255),                                   // matrix_zero
    IM_COL32(213, 94, 0, 255),                                   // matrix_positive
    IM_COL32(255, 255, 255, 255),                                // overlay
    IM_COL32(0, 0, 0, 255),                                      // overlay_halo
    IM_COL32(230, 40, 40, 255),                                  // marker
};

const Palette kLight = {
    IM_COL32(255, 255, 255, 255),  // background
    IM_COL32(255, 255, 255, 255),  // window
    IM_COL32(20, 20, 20, 255),     // text
    IM_COL32(85, 85, 85, 255),     // text_dim
    IM_COL32(170, 60, 0, 255),     // warning
    IM_COL32(250, 250, 250, 255),  // plot_background
    IM_COL32(110, 110, 110, 255),  // plot_frame
    IM_COL32(0, 0, 0, 30),         // grid
    IM_COL32(60, 60, 60, 255),     // crosshair
    {IM_COL32(0, 114, 178, 255), IM_COL32(183, 81, 0, 255), IM_COL32(0, 126, 92, 255), IM_COL32(153, 91, 125, 255),
     IM_COL32(147, 102, 0, 255), IM_COL32(85, 85, 85, 255), IM_COL32(56, 117, 151, 255)},
    {IM_COL32(20, 20, 20, 255), IM_COL32(183, 81, 0, 255)},  // run
    IM_COL32(0, 126, 92, 255),                               // samples
    IM_COL32(100, 100, 100, 255),                            // reference
    IM_COL32(0, 114, 178, 255),                              // bar
    IM_COL32(183, 81, 0, 255),                               // bar_highlight
    IM_COL32(0, 114, 178, 255),                              // matrix_negative
    IM_COL32(235, 235, 235, 255),                            // matrix_zero
    IM_COL32(213, 94, 0, 255),                               // matrix_positive
    IM_COL32(255, 255, 255, 255),                            // overlay
    IM_COL32(0, 0, 0, 255),                                  // overlay_halo
    IM_COL32(230, 40, 40, 255),                              // marker
};

const Palette* active = &kDark;

ImVec4 rgb(int r, int g, int b, float a = 1.0f) {
  return ImVec4(static_cast<float>(r) / 255.0f, static_cast<float>(g) / 255.0f, static_cast<float>(b) / 255.0f, a);
}

double linear(unsigned channel) {
  const double c = channel / 255.0;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

unsigned channel(ImU32 colour, int shift) {
  return (colour >> shift) & 0xFFu;
}

// The seven vec3 coefficients c0..c6 of shaders/colormap.glsl, read once from the embedded shader source.
const std::array<std::array<double, 3>, 7>& colormap_coefficients() {
  static const std::array<std::array<double, 3>, 7> c = [] {
    std::array<std::array<double, 3>, 7> out{};
    const std::string source = kShader_colormap_glsl;
    std::size_t at = 0;
    for (auto& v : out) {
      at = source.find("vec3(", source.find("const vec3 c", at));
      const char* p = source.c_str() + at + 5;
      for (double& x : v) {
        char* end = nullptr;
        x = std::strtod(p, &end);
        p = end + 1;  // past ',' or ')'
      }
      at = static_cast<std::size_t>(p - source.c_str());
    }
    return out;
  }();
  return c;
}

}  // namespace

const Palette& palette(Theme theme) {
  return theme == Theme::light ? kLight : kDark;
}

const Palette& active_palette() {
  return *active;
}

void set_active_theme(Theme theme) {
  active = &palette(theme);
}

ImU32 series_colour(int index) {
  const Palette& p = active_palette();
  return p.series[static_cast<std::size_t>(index) % (sizeof p.series / sizeof p.series[0])];
}

void style_colours(ImGuiStyle& style, Theme theme) {
  ImVec4* c = style.Colors;
  if (theme == Theme::light) {
    ImGui::StyleColorsLight(&style);
    c[ImGuiCol_Text] = rgb(20, 20, 20);
    c[ImGuiCol_TextDisabled] = rgb(85, 85, 85);
    c[ImGuiCol_WindowBg] = rgb(255, 255, 255);
    c[ImGuiCol_PopupBg] = rgb(250, 250, 250);
    c[ImGuiCol_Border] = rgb(118, 118, 118);
    c[ImGuiCol_Separator] = rgb(118, 118, 118);
    c[ImGuiCol_FrameBg] = rgb(236, 238, 242);
    c[ImGuiCol_TitleBg] = rgb(225, 228, 234);
    c[ImGuiCol_TitleBgActive] = rgb(200, 212, 230);
    c[ImGuiCol_TitleBgCollapsed] = rgb(225, 228, 234);
    c[ImGuiCol_FrameBgHovered] = rgb(222, 230, 242);
    c[ImGuiCol_FrameBgActive] = rgb(210, 222, 240);
    c[ImGuiCol_CheckMark] = rgb(0, 70, 140);
    c[ImGuiCol_SliderGrab] = rgb(0, 70, 140);
    c[ImGuiCol_SliderGrabActive] = rgb(0, 60, 120);
    c[ImGuiCol_PlotHistogram] = rgb(0, 100, 160);
  } else {
    ImGui::StyleColorsDark(&style);
    c[ImGuiCol_Text] = rgb(235, 235, 235);
    c[ImGuiCol_TextDisabled] = rgb(170, 170, 170);
    c[ImGuiCol_WindowBg] = rgb(15, 15, 15);
    c[ImGuiCol_PopupBg] = rgb(22, 22, 26);
    c[ImGuiCol_Border] = rgb(128, 128, 140);
    c[ImGuiCol_Separator] = rgb(128, 128, 140);
    c[ImGuiCol_FrameBgHovered] = rgb(35, 60, 100);
    c[ImGuiCol_FrameBgActive] = rgb(30, 55, 95);
    c[ImGuiCol_Button] = rgb(28, 55, 95);
    c[ImGuiCol_ButtonHovered] = rgb(40, 95, 165);
    c[ImGuiCol_ButtonActive] = rgb(25, 75, 140);
    c[ImGuiCol_HeaderHovered] = rgb(40, 95, 165);
    c[ImGuiCol_HeaderActive] = rgb(25, 75, 140);
    c[ImGuiCol_CheckMark] = rgb(150, 200, 255);
    c[ImGuiCol_SliderGrab] = rgb(150, 200, 255);
    c[ImGuiCol_SliderGrabActive] = rgb(170, 205, 255);
    c[ImGuiCol_PlotHistogram] = rgb(86, 180, 233);
  }
}

double relative_luminance(ImU32 colour) {
  return 0.2126 * linear(channel(colour, IM_COL32_R_SHIFT)) + 0.7152 * linear(channel(colour, IM_COL32_G_SHIFT)) +
         0.0722 * linear(channel(colour, IM_COL32_B_SHIFT));
}

double contrast_ratio(ImU32 a, ImU32 b) {
  const double la = relative_luminance(a), lb = relative_luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

ImU32 over(ImU32 colour, ImU32 background) {
  const float a = static_cast<float>(channel(colour, IM_COL32_A_SHIFT)) / 255.0f;
  return mix(background | IM_COL32_A_MASK, colour | IM_COL32_A_MASK, a);
}

ImU32 mix(ImU32 a, ImU32 b, float f) {
  auto m = [&](int shift) {
    const float v = (1 - f) * static_cast<float>(channel(a, shift)) + f * static_cast<float>(channel(b, shift));
    return static_cast<ImU32>(std::clamp(std::lround(v), 0L, 255L)) << shift;
  };
  return m(IM_COL32_R_SHIFT) | m(IM_COL32_G_SHIFT) | m(IM_COL32_B_SHIFT) | m(IM_COL32_A_SHIFT);
}

ImU32 text_on(ImU32 fill) {
  const ImU32 black = IM_COL32(0, 0, 0, 255), white = IM_COL32(255, 255, 255, 255);
  return contrast_ratio(fill, black) >= contrast_ratio(fill, white) ? black : white;
}

ImU32 colormap(float t) {
  const auto& c = colormap_coefficients();
  const double x = std::clamp(static_cast<double>(t), 0.0, 1.0);
  unsigned out[3];
  for (int k = 0; k < 3; ++k) {
    double v = 0;
    for (int i = 6; i >= 0; --i) v = v * x + c[static_cast<std::size_t>(i)][static_cast<std::size_t>(k)];
    out[k] = static_cast<unsigned>(std::lround(std::clamp(v, 0.0, 1.0) * 255));
  }
  return IM_COL32(out[0], out[1], out[2], 255);
}

std::vector<ColourUse> text_and_line_colours(Theme theme) {
  const Palette& p = palette(theme);
  ImGuiStyle style;
  style_colours(style, theme);
  auto col = [&](ImGuiCol i) { return ImGui::ColorConvertFloat4ToU32(style.Colors[i]); };
  const ImU32 window = over(col(ImGuiCol_WindowBg), p.background);
  auto on_window = [&](ImGuiCol i) { return over(col(i), window); };
  std::vector<ColourUse> uses;
  // ImGui's text on every background it is drawn on; the check marks and slider grabs on their frames.
  static const std::pair<const char*, ImGuiCol> text_backgrounds[] = {{"WindowBg", ImGuiCol_WindowBg},
                                                                      {"PopupBg", ImGuiCol_PopupBg},
                                                                      {"FrameBg", ImGuiCol_FrameBg},
                                                                      {"FrameBgHovered", ImGuiCol_FrameBgHovered},
                                                                      {"FrameBgActive", ImGuiCol_FrameBgActive},
                                                                      {"TitleBg", ImGuiCol_TitleBg},
                                                                      {"TitleBgActive", ImGuiCol_TitleBgActive},
                                                                      {"TitleBgCollapsed", ImGuiCol_TitleBgCollapsed},
                                                                      {"MenuBarBg", ImGuiCol_MenuBarBg},
                                                                      {"Button", ImGuiCol_Button},
                                                                      {"ButtonHovered", ImGuiCol_ButtonHovered},
                                                                      {"ButtonActive", ImGuiCol_ButtonActive},
                                                                      {"Header", ImGuiCol_Header},
                                                                      {"HeaderHovered", ImGuiCol_HeaderHovered},
                                                                      {"HeaderActive", ImGuiCol_HeaderActive}};
  for (const auto& [name, bg] : text_backgrounds)
    uses.push_back({std::string("Text on ") + name, col(ImGuiCol_Text), on_window(bg)});
  // Disabled text is drawn where nothing is hovered or pressed.
  for (const auto& [name, bg] : {std::pair<const char*, ImGuiCol>{"WindowBg", ImGuiCol_WindowBg},
                                 {"PopupBg", ImGuiCol_PopupBg},
                                 {"FrameBg", ImGuiCol_FrameBg},
                                 {"Button", ImGuiCol_Button},
                                 {"Header", ImGuiCol_Header}})
    uses.push_back({std::string("TextDisabled on ") + name, col(ImGuiCol_TextDisabled), on_window(bg)});
  for (ImGuiCol frame : {ImGuiCol_FrameBg, ImGuiCol_FrameBgHovered, ImGuiCol_FrameBgActive}) {
    uses.push_back({"CheckMark on a frame", col(ImGuiCol_CheckMark), on_window(frame)});
    uses.push_back({"SliderGrab on a frame", col(ImGuiCol_SliderGrab), on_window(frame)});
  }
  uses.push_back({"Border on WindowBg", on_window(ImGuiCol_Border), window});
  uses.push_back({"Separator on WindowBg", on_window(ImGuiCol_Separator), window});
  uses.push_back({"PlotHistogram (bars) on FrameBg", col(ImGuiCol_PlotHistogram), on_window(ImGuiCol_FrameBg)});
  // The palette's text and lines on the window and in the plotting area.
  const ImU32 plot = over(p.plot_background, window);
  uses.push_back({"text on the window", p.text, window});
  uses.push_back({"dim text on the window", p.text_dim, window});
  uses.push_back({"warning on the window", p.warning, window});
  uses.push_back({"legend text on the window", p.text, window});
  uses.push_back({"plot frame", p.plot_frame, plot});
  uses.push_back({"crosshair", p.crosshair, plot});
  uses.push_back({"reference lines and their labels", p.reference, plot});
  for (std::size_t k = 0; k < std::size(p.series); ++k) {
    uses.push_back({"direction " + std::to_string(k + 1) + " in the plot", p.series[k], plot});
    uses.push_back({"direction " + std::to_string(k + 1) + " in the legend", p.series[k], window});
  }
  for (std::size_t i = 0; i < std::size(p.run); ++i)
    uses.push_back({"loss curve of run " + std::to_string(i + 1), p.run[i], plot});
  uses.push_back({"test loss on samples", p.samples, plot});
  uses.push_back({"energy bar", p.bar, window});
  uses.push_back({"information exponent's bar", p.bar_highlight, window});
  // Matrix entries on their cells, from -1 through 0 to +1.
  for (int i = -10; i <= 10; ++i) {
    const float v = static_cast<float>(i) / 10.0f;
    const ImU32 fill = v >= 0 ? mix(p.matrix_zero, p.matrix_positive, v) : mix(p.matrix_zero, p.matrix_negative, -v);
    uses.push_back({"matrix entry at " + std::to_string(v), text_on(fill), fill});
  }
  // Overlays on the colormap: core or halo, whichever shows.
  for (int i = 0; i <= 20; ++i) {
    const ImU32 map = colormap(static_cast<float>(i) / 20.0f);
    const ImU32 best =
        contrast_ratio(p.overlay, map) >= contrast_ratio(p.overlay_halo, map) ? p.overlay : p.overlay_halo;
    char what[48];
    std::snprintf(what, sizeof what, "overlay on colormap(%.2f)", static_cast<double>(i) / 20.0);
    uses.push_back({what, best, map});
    // The sphere shades the map down to 0.55 of it at the rim (shaders/sphere.frag).
    const ImU32 rim = mix(IM_COL32(0, 0, 0, 255), map, 0.55f);
    const ImU32 best_rim =
        contrast_ratio(p.overlay, rim) >= contrast_ratio(p.overlay_halo, rim) ? p.overlay : p.overlay_halo;
    uses.push_back({std::string(what) + " shaded", best_rim, rim});
  }
  return uses;
}

float ui_scale(double state_scale, double display_scale, double height) {
  const double base = display_scale > 0 ? display_scale : 1.0;
  if (state_scale > 0) return static_cast<float>(state_scale * base);
  // 15 × s ≥ height / 60  ⇔  s ≥ height / 900; rounded up to the next 1/8.
  const double wanted = std::ceil(height / 900.0 * 8.0) / 8.0;
  return static_cast<float>(std::max(base, wanted));
}

}  // namespace grassflow::app
