"""Layout sources of the held-out half's PDF documents (rendered by ../make_pdfs.py).

Held out for the final measurement: do not read these to develop the extractor. Every
patient, clinician, laboratory and hospital here is invented."""

DOCS = {
    "heldout_06_cumulative_rows_ranges_in_header_uk.pdf": [
        ("title", "ONCOLOGY BLOOD RESULTS - DOCETAXEL MONITORING"),
        ("lines", "Valley Cancer Unit Pathology        Printed 28/05/25\n"
                  "Patient: [removed]   Unit No: [removed]"),
        ("gap", 3),
        ("table", [30, 36, 36, 34, 36], [
            ["Date", "WCC (4.0-11.0)", "Neut (2.0-7.5)", "Hb (115-165)", "Plt (150-400)"],
            ["", "x10^9/L", "x10^9/L", "g/L", "x10^9/L"],
            ["14/04/25", "6.1", "4.0", "126", "302"],
            ["06/05/25", "2.4 L", "1.1 L", "117", "188"],
            ["27/05/25", "4.4", "2.3", "119", "251"],
        ]),
        ("gap", 3),
        ("para", "Unit guidance: docetaxel may proceed when neutrophils are 1.5 x10^9/L or "
                 "above and platelets 100 x10^9/L or above."),
    ],
    "heldout_15_infusion_record_ac_us.pdf": [
        ("title", "INFUSION CENTER - TREATMENT ADMINISTRATION RECORD"),
        ("side", "Regimen: dose-dense AC\n(doxorubicin 60 mg/m2 + cyclophosphamide\n"
                 "600 mg/m2) every 14 days x 4",
         "Cycle 3 Day 1 scheduled: 04/07/2025\nMRN: [removed]\nHeight/weight: [removed]"),
        ("gap", 2),
        ("bold", "Pre-treatment labs (04/07/2025)"),
        ("table", [40, 22, 14, 22, 40], [
            ["Test", "Result", "Flag", "Units", "Ref Range"],
            ["WBC", "2.9", "L", "K/uL", "4.0-11.0"],
            ["ANC", "0.8", "L", "K/uL", "1.5-8.0"],
            ["Hgb", "10.4", "L", "g/dL", "12.0-15.5"],
            ["Plt", "142", "L", "K/uL", "150-400"],
        ]),
        ("gap", 2),
        ("para", "Treatment parameters: ANC 1.5 K/uL or more and platelets 100 K/uL or more."),
        ("box", "CYCLE 3 HELD ON 04/07/2025 - ANC BELOW TREATMENT PARAMETERS. DOXORUBICIN AND "
                "CYCLOPHOSPHAMIDE NOT GIVEN. RECHECK IN ONE WEEK.", 75),
        ("gap", 2),
        ("bold", "Return visit 04/14/2025"),
        ("para", "Labs 04/14/2025: ANC 2.1 K/uL, Plt 176 K/uL. Parameters met. Cycle 3 of "
                 "doxorubicin and cyclophosphamide given today at full dose.", 120),
        ("para", "Pegfilgrastim 6 mg (on-body injector) added from cycle 3, applied "
                 "04/14/2025, because of delayed count recovery.", 120),
        ("para", "RN: [removed]     Verified by: [removed], PharmD"),
    ],
    "heldout_24_letter_to_patient_ribociclib_stopped_uk.pdf": [
        ("side", "Breast Oncology\nSt Aldhelm's Hospital\nAbbey Road",
         "Clinic date: 14 October 2025\nTyped: 16 October 2025\nRef: [removed]"),
        ("gap", 4),
        ("lines", "Dear Mrs [removed],"),
        ("gap", 2),
        ("box", "IMPORTANT: RIBOCICLIB HAS BEEN STOPPED FROM 14 OCTOBER 2025 BECAUSE YOUR "
                "LIVER BLOOD TESTS ROSE. PLEASE CARRY ON TAKING LETROZOLE.", 78),
        ("gap", 2),
        ("para", "Thank you for coming to clinic. As we discussed, your liver blood test "
                 "(ALT) on 13 October 2025 was 245 U/L; the normal level is below 35. Your AST "
                 "was 160 U/L on the same day. On 15 September 2025 your ALT had been 41 U/L. "
                 "Your bilirubin is normal at 18 \u00b5mol/L (normal 0-21).", 118),
        ("gap", 2),
        ("para", "We will repeat your liver tests weekly until they settle. When they have, "
                 "we will talk about what to do next; one option is everolimus with "
                 "exemestane, but nothing will change until we have spoken again.", 118),
        ("gap", 2),
        ("para", "Kind regards,\nDr E Fairweather\nConsultant Medical Oncologist"),
    ],
    "heldout_33_clinic_note_trastuzumab_deruxtecan_us.pdf": [
        ("side", "Bayside Cancer Care - Breast Medical Oncology",
         "Date of service: 11/03/2025\nMRN: [removed]"),
        ("gap", 3),
        ("para", "Trastuzumab deruxtecan 5.4 mg/kg IV every 3 weeks since 06/16/2025 for "
                 "HER2-low metastatic breast cancer. Now cycle 8.", 125),
        ("para", "Symptoms: grade 3 fatigue and nausea lasting 7-10 days after each cycle; no "
                 "cough or dyspnea. CT 10/28/2025: partial response, no pneumonitis.", 125),
        ("gap", 2),
        ("table", [36, 22, 16, 22, 34, 30], [
            ["Labs", "11/03/25", "Flag", "Units", "Ref Range", "10/13/25"],
            ["ANC", "1.6", "", "K/uL", "1.5-8.0", "1.2 L"],
            ["Platelets", "121", "L", "K/uL", "150-400", "134 L"],
            ["Hemoglobin", "10.6", "L", "g/dL", "12.0-15.5", "10.9 L"],
            ["AST", "33", "", "U/L", "10-40", "29"],
        ]),
        ("gap", 2),
        ("box", "PLAN: TRASTUZUMAB DERUXTECAN DOSE REDUCED TO 4.4 MG/KG (FROM 5.4 MG/KG) "
                "STARTING CYCLE 8 TODAY, 11/03/2025, FOR GRADE 3 FATIGUE AND NAUSEA.", 70),
        ("gap", 2),
        ("para", "Olanzapine 5 mg at bedtime started today for delayed nausea. If pneumonitis is "
                 "suspected at any point, trastuzumab deruxtecan must be held and she should "
                 "call us the same day.", 125),
    ],
}
