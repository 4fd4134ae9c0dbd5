"""schemathesis hooks of deploy/api-contract.test.ts (loaded through SCHEMATHESIS_HOOKS).

PUT /api/overview/{gameId}: a game_id in the body must equal the path's gameId (the document says so in
words; JSON Schema cannot relate a body field to a path parameter). Bodies generated as valid get the
path's id, so that they exercise the replace instead of meeting that 400; bodies generated as invalid
are left as they are.
"""

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    # Every phase's requests pass here (map_case does not see the coverage phase's).
    meta = case.meta
    positive = meta is not None and meta.generation.mode.is_positive
    path_id = str((case.path_parameters or {}).get("gameId", ""))
    if (
        positive
        and case.operation.label == "PUT /api/overview/{gameId}"
        and isinstance(case.body, dict)
        and "game_id" in case.body
        and path_id.isdigit()
    ):
        # The coverage phase gives path parameters as text.
        case.body["game_id"] = int(path_id)
