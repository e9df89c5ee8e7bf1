"""OFD (GB/T 33190): a ZIP of XML. ``OFD.xml`` names each document's ``Document.xml``,
which lists its pages; each page's ``TextObject/TextCode`` elements hold the text. Read with
zipfile and lxml, every member with a size bound."""

import posixpath
import zipfile

from lxml import etree

from .base import Broken, Extractor, Limits, NoText, read_member

NS = {"ofd": "http://www.ofdspec.org/2016"}
# No network, no entities: an OFD's XML is data, never instructions to fetch anything.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class OfdExtractor(Extractor):
    kind = "ofd"
    label = "OFD"
    zipped = True

    def text(self, path, limits: Limits) -> str:
        try:
            with zipfile.ZipFile(path) as archive:
                texts = []
                for document in self._documents(archive, limits):
                    for page in self._pages(archive, document, limits):
                        root = self._xml(archive, page, limits)
                        texts.append("".join(root.xpath("//ofd:TextCode/text()", namespaces=NS)))
        except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as e:
            raise Broken(f"OFD 文件已损坏（{e}）")
        if not "".join(texts).strip():
            raise NoText("无文字层（可能是扫描件）")
        return "\n".join(texts)

    def _xml(self, archive, name: str, limits: Limits):
        return etree.fromstring(read_member(archive, name, limits), PARSER)

    def _documents(self, archive, limits) -> list[str]:
        root = self._xml(archive, "OFD.xml", limits)
        roots = root.xpath("//ofd:DocBody/ofd:DocRoot/text()", namespaces=NS)
        if not roots:
            raise Broken("OFD.xml 中没有 DocRoot")
        return [_member(r) for r in roots]

    def _pages(self, archive, document: str, limits) -> list[str]:
        root = self._xml(archive, document, limits)
        base = posixpath.dirname(document)
        return [_member(posixpath.join(base, loc))
                for loc in root.xpath("//ofd:Pages/ofd:Page/@BaseLoc", namespaces=NS)]


def _member(location: str) -> str:
    """A package path as zipfile names it (OFD paths may start with /)."""
    return posixpath.normpath(location.strip()).lstrip("/")
