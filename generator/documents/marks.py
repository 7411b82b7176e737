"""Private-use characters that rendering leaves in the text for the Word post-processing step.

`render` writes them; `docx_post` turns them into bulleted lists, the table of contents and
empty-value marks. Both import them from here, so neither imports the other's module for them.
"""

BULLET_MARK = "\ue000"
TOC_MARK = "\ue001"
EMPTY_MARK = "\ue002"
# A chart of the follow-up: `CHART_MARK + name + CHART_MARK` stands alone in its paragraph, which
# `generator.followup.build` replaces with the chart's image.
CHART_MARK = "\ue003"
