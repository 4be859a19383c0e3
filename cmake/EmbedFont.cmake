# The UI font: DejaVu Sans (Debian's fonts-dejavu-core), subset at build time by fontTools (Debian's
# python3-fonttools) to Latin, Greek, arrows and mathematical operators (θ, ², ≤, ∞, ...: ~60 KB instead of
# 740 KB), then embedded as a byte array so native and web builds carry the same glyphs without file I/O.
set(GRASSFLOW_FONT_SOURCE /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf)

function(grassflow_embed_font target)
  set(out_dir ${CMAKE_BINARY_DIR}/generated)
  set(subset ${out_dir}/ui_font.ttf)
  set(source ${out_dir}/ui_font.cpp)
  add_custom_command(
    OUTPUT ${subset}
    COMMAND /usr/bin/python3 -m fontTools.subset ${GRASSFLOW_FONT_SOURCE}
            --unicodes=U+0020-007E,U+00A0-00FF,U+0370-03FF,U+2010-2027,U+2070-209F,U+2190-21FF,U+2200-22FF
            --output-file=${subset}
    DEPENDS ${GRASSFLOW_FONT_SOURCE}
    COMMENT "Subsetting the UI font")
  add_custom_command(
    OUTPUT ${source}
    COMMAND ${CMAKE_COMMAND} -DIN=${subset} -DOUT=${source} -P ${PROJECT_SOURCE_DIR}/cmake/BinaryToCpp.cmake
    DEPENDS ${subset} ${PROJECT_SOURCE_DIR}/cmake/BinaryToCpp.cmake)
  target_sources(${target} PRIVATE ${source})
endfunction()
