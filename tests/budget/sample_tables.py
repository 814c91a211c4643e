"""Tables of the minutes of Direktionen 23-04-2018, verbatim (tabs and all), as a parser of
legacy minutes gives them: the it-promillepulje item (Tabel 1 and Tabel 2, each continued
over a page break with its header repeated, and the pool table of its Økonomi) and the
cost table of the Cura item, itself broken by a blank line."""

from __future__ import annotations

from typing import Any

from budget.legacy import LegacyBudgetTable, budget_table_from_rows
from budget.tables import ComputedCell, ComputedTable

TABEL_1_PAGE_1 = (
    "Punkt\tDisponering af it-promillepulje\t2018\n"
    "\tSoftware på arbejdsstationer\t\n"
    "1.2\tOpgradering af acadre springes over (tilbageføres)\t-250\n"
    "1.4\tEOJ – engangsudgift til arkivering på Care, konvertering af data mv. (jf. særskilt sag) (heraf 220 t. kr. varigt)*\t507\n"
    "1.4\tEOJ – indkøb af devices à anlæg\t\n"
    "1.5\tCalibra-opsætning til Prisme 2015\t85\n"
    "1.8\tKommunelicens på HTK-LIS (engangsudgift)\t130\n"
    "1.9\tSHC Sensum (bosted og incorp); varig drift\t270\n"
)

TABEL_1_PAGE_2 = (
    "Punkt\tDisponering af it-promillepulje\t2018\n"
    "Software backoffice\t\t\n"
    "2.2\tSystemunderstøttelse af strejke/lockout (SD-løn), engangsudgift\t30\n"
    "2.2\tSystemunderstøttelse af strejke/lockout (SD-løn), yderligere engangsudgift, hvis effektueres\t66\n"
    "2.2\tSystemunderstøttelse af strejke/lockout (SD-løn), ”udvidet garantiordning vedr. tjenestetid”\t74\n"
    "It-drift\t\t\n"
    "3.1\tTransition til ny it-driftsleverandør\t?\n"
    "Infrastruktur\t\t\n"
    "4.2\tTrådløst på rådhuset: Ny central netværksenhed på HTK rådhus inkl. implementering. (evt. anlæg)\t1.100\n"
    "4.2\tTrådløst på rådhuset: Access points til rådhuset\t800\n"
    "Enheder (hardware)\t\t\n"
    "5.2\tHeadsets (anslået udgift på 2 mio. kr. åanlæg)\t\n"
    "IT-kompetencer\t\t\n"
    "Ingen punkter\t\t\n"
    "Sikkerhed (Fysisk og GDPR)\t\t\n"
    "Ingen punkter\t\t\n"
    "I alt\t\t2.812\n"
    "* heraf varige udgifter, som omplaceres fra 2018 og frem\t\t490\n"
)

TABEL_2_PAGE_1 = (
    "Punkt\tDisponering af it-promillepulje\t2019\n"
    "Software på arbejdsstationer\t\t\n"
    "1.2\tOpgradering af Acadre\t250\n"
    "1.3\tNy ESDH strategi og efterfølgende udbud\t125\n"
    "1.4\tEOJ; varig drift*\t220\n"
)

TABEL_2_PAGE_2 = (
    "Punkt\tDisponering af it-promillepulje\t2019\n"
    "1.9\tSHC Sensum (bosted og incorp); varig drift*\t270\n"
    "\tSoftware backoffice\t\n"
    "2.3\tSnitflader office 365\t500\n"
    "2.4\tEMM – varig drift (helsårs)*\t200\n"
    "2.7\tNy hjemmeside\t1.000\n"
    "2.x\tSoftware robotics (anslået, afhænger af efterspørgsel)*\t100\n"
    "\tIt-drift\t\n"
    "3.2\tTransition til ny it-driftsleverandør\t?\n"
    "\tInfrastruktur\t\n"
    "\tIngen punkter\t\n"
    "\tEnheder (devices)\t\n"
    "\tIngen punkter\t\n"
    "\tIT-kompetencer\t\n"
    "\tEvt. tilkøb vedr. digital læringsplatform\t50\n"
    "\tSikkerhed (Fysisk og GDPR)\t\n"
    "\tIngen punkter\t\n"
    "\tI alt\t2.715\n"
    "\t<i>* heraf varige udgifter, som omplaceres fra 2019 og frem</i>\t490\n"
)

POOL_TABLE = (
    "1.000 kr.\t2018\t2019\n"
    "Disponeret til telefoni jf. dir 19-3-2018\t917\t525\n"
    "Aktuelt restbeløb på pulje*\t2.206\t7.653\n"
    "Disponeres nu (overføres til ØDC), tabel 1\t2.812\t\n"
    "Pipeline til 2018, tabel 2\t\t2.715\n"
    "Restbudget herefter (-=overtræk)\t-606\t4.938\n"
)

CONSTRUCTION_FUNDS = (
    "Tekst / 1.000 kr.\tBeløb\n"
    "Oprindelig afsat rådighedsbeløb (budget 2015)\t15.000\n"
    "Fiber (BY 15-3-2016)\t6.000\n"
    "Ipads i hjemmeplejen (BY 21-6-2016)\t1.060\n"
    "Kontantfri kommune (BY 20-6-2017)\t700\n"
    "Restbeløb, ikke disponeret\t7.240\n"
)

CURA_PAGE_1 = (
    "\t2017\t2018\t2019\t2020\t2021\n"
    "DSD- samarbejde\t\t\t\t\t\n"
    "Omkostninger til DSD\t214.000\t227.000\t\t\t\n"
    "Anskaffelse\t\t\t\t\t\n"
    "Ipap og telefoner\t\t1.479.402\t346.776\t346.776\t346.776\n"
    "MDM til iPad\t\t80.000\t80.000\t80.000\t80.000\n"
    "Info skærm\t\t27.000\t0\t0\t0\n"
    "Vedligehold af iPad og telefoner\t\t0\t149.867\t149.867\t149.867\n"
    "Ophæng til iPad\t\t562.000\t0\t0\t0\n"
    "It\t\t\t\t\t\n"
    "3. partsintegrationer\t\t155.000\t98.540\t98.540\t98.540\n"
    "Cura\t\t419.266\t1.257.797\t1.257.797\t1.257.797\n"
    "Exit fra Care\t\t1.967.420\t75.000\t75.000\t75.000\n"
    "Produktionstab\t\t6.116.409\t2.196.721\t0\t0\n"
    "Projektstyring\t\t\t\t\t\n"
    "Projektsekretariat\t552.392\t2.480.302\t478.492\t0\t0\n"
    "Undervisning\t\t\t\t\t\n"
    "Undervisning i FSIII\t\t303.304\t0\t0\t0\n"
    "Undervisning i Cura\t\t1.005.648\t0\t0\t0\n"
    "Frikøb af Senior- og superbrugere\t\t321.629\t0\t0\t0\n"
)

CURA_PAGE_2 = (
    "Uforudsete udgifter\t\t479.800\t200.000\t0\t0\n"
    "Samlede omkostninger\t766.392\t15.624.179\t4.883.193\t2.007.980\t2.007.980\n"
    "Gevinster\t\t\t\t\t\n"
    "ophør af Care\t\t300.000\t1.319.188\t1.319.188\t1.319.188\n"
    "Dokumentation mv.\t\t0\t0\t10.450.355\t10.450.355\n"
    "Samlede gevinster\t0\t300.000\t1.319.188\t11.769.544\t11.769.544\n"
    "i alt\t766.392\t15.324.179\t3.564.005\t-9.761.564\t-9.761.564\n"
)


def rows(text: str) -> list[list[str]]:
    """A table as a parser gives it: a list of rows, each a list of cell strings."""
    return [line.split("\t") for line in text.splitlines()]


def legacy_table(table_rows: list[list[str]], **kwargs: Any) -> LegacyBudgetTable:
    """The rows read as a budget table, which they must be."""
    result = budget_table_from_rows(table_rows, **kwargs)
    assert result is not None, "not read as a budget table"
    return result


def totals(table: ComputedTable) -> list[ComputedCell]:
    """The table's bottom line, which it must have."""
    assert table.totals is not None, "the table has no total row"
    return table.totals
