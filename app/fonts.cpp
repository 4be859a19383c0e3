#include "fonts.h"

#include <imgui.h>

#include "theme.h"

extern const unsigned char kUiFont[];
extern const unsigned int kUiFontSize;

namespace grassflow::app {

void configure_ui(float scale, Theme theme) {
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2010, 0x2027, 0x2070,
                                   0x209F, 0x2190, 0x21FF, 0x2200, 0x22FF, 0};
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig config;
  config.FontDataOwnedByAtlas = false;  // the bytes are static
  config.OversampleH = 2;
  io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(kUiFont), static_cast<int>(kUiFontSize), 15.0f * scale,
                                 &config, ranges);
  io.Fonts->Build();
  ImGuiStyle style;
  style_colours(style, theme);
  style.WindowRounding = 0.0f;
  style.FrameRounding = 2.0f;
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
  set_active_theme(theme);
}

}  // namespace grassflow::app
