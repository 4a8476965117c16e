<?xml version="1.0" encoding="UTF-8"?>
<!-- fuzz/rng-dict.xsl: a libFuzzer dictionary from the RelaxNG schema (scenarios/oomsim.rng): every element as its
     start tag and end tag, every attribute as ` NAME="`, every enumerated value as `"VALUE"`. One entry a line,
     in the syntax of libFuzzer's -dict files; fuzz/fuzz.mk sorts and deduplicates the lines. The schema's names
     are ASCII without quotes or backslashes, so they need no escaping; fuzz.mk refuses a line that would. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:rng="http://relaxng.org/ns/structure/1.0">
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:template match="/">
    <xsl:for-each select="//rng:element[@name]">
      <xsl:text>"&lt;</xsl:text><xsl:value-of select="@name"/><xsl:text>"&#10;</xsl:text>
      <xsl:text>"&lt;/</xsl:text><xsl:value-of select="@name"/><xsl:text>&gt;"&#10;</xsl:text>
    </xsl:for-each>
    <xsl:for-each select="//rng:attribute[@name]">
      <xsl:text>" </xsl:text><xsl:value-of select="@name"/><xsl:text>=\""&#10;</xsl:text>
    </xsl:for-each>
    <xsl:for-each select="//rng:value">
      <xsl:text>"\"</xsl:text><xsl:value-of select="normalize-space(.)"/><xsl:text>\""&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
