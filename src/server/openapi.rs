//! `/openapi.json`: the API description, generated from the handlers' annotations, with the
//! stats schema generated from the model's types.

use utoipa::OpenApi;

/// An error answer.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Describes the JSON that `ApiError` writes.
pub struct ErrorBody {
    error: String,
    detail: Option<serde_json::Value>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "cardfarm",
        description = "Personal year-in-music story cards as PNG"
    ),
    paths(
        super::routes::templates,
        super::routes::render_posted,
        super::routes::render_stored
    ),
    components(schemas(super::routes::TemplateInfo, super::routes::FormatInfo, ErrorBody))
)]
struct ApiDoc;

/// The OpenAPI document, with `Stats` and its parts added under `components.schemas`.
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let mut stats = crate::card::model::json_schema();
    // JSON Schema `$defs` become OpenAPI components, and their references follow.
    let defs = stats
        .as_object_mut()
        .and_then(|o| o.remove("$defs"))
        .unwrap_or_default();
    if let Some(o) = stats.as_object_mut() {
        o.remove("$schema");
    }
    let mut text = serde_json::to_string(&stats).unwrap_or_default();
    let mut defs_text = serde_json::to_string(&defs).unwrap_or_default();
    for s in [&mut text, &mut defs_text] {
        *s = s.replace("#/$defs/", "#/components/schemas/");
    }
    let schemas = &mut doc["components"]["schemas"];
    schemas["Stats"] = serde_json::from_str(&text).unwrap_or_default();
    if let Ok(serde_json::Value::Object(defs)) =
        serde_json::from_str::<serde_json::Value>(&defs_text)
    {
        for (name, schema) in defs {
            schemas[name] = schema;
        }
    }
    doc["components"]["securitySchemes"]["api_key"] =
        serde_json::json!({ "type": "http", "scheme": "bearer" });
    doc
}
