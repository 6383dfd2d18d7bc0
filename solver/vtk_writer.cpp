/// @file solver/vtk_writer.cpp
/// @brief VTK XML unstructured-grid output through the VTK library.
#include "solver/vtk_writer.hpp"

#include "nn/error.hpp"

#include <vtkCellArray.h>
#include <vtkCellType.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkIntArray.h>
#include <vtkNew.h>
#include <vtkObject.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkRectilinearGrid.h>
#include <vtkXMLRectilinearGridWriter.h>
#include <vtkStringArray.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLUnstructuredGridWriter.h>

namespace pinn {

namespace {

void add_point_array(vtkDataSet* mesh, const char* name, const std::vector<double>& values) {
  vtkNew<vtkDoubleArray> array;
  array->SetName(name);
  array->SetNumberOfValues(static_cast<vtkIdType>(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) array->SetValue(static_cast<vtkIdType>(i), values[i]);
  mesh->GetPointData()->AddArray(array);
}

/// Cells of the tensor grid whose corners are all inside the domain, or the grid's triangles.
void add_cells(vtkUnstructuredGrid* mesh, const EvaluationGrid& grid) {
  if (!grid.triangles.empty()) {
    for (const auto& t : grid.triangles) {
      const vtkIdType ids[3] = {t[0], t[1], t[2]};
      mesh->InsertNextCell(VTK_TRIANGLE, 3, ids);
    }
    return;
  }
  const auto& n = grid.n_nodes;
  auto point = [&](int i, int j, int k) { return grid.point_of_node[i + n[0] * (j + n[1] * k)]; };
  if (grid.dim == 1) {
    for (int i = 0; i + 1 < n[0]; ++i) {
      const vtkIdType ids[2] = {point(i, 0, 0), point(i + 1, 0, 0)};
      if (ids[0] >= 0 && ids[1] >= 0) mesh->InsertNextCell(VTK_LINE, 2, ids);
    }
    return;
  }
  if (grid.dim == 2) {
    for (int j = 0; j + 1 < n[1]; ++j)
      for (int i = 0; i + 1 < n[0]; ++i) {
        const vtkIdType ids[4] = {point(i, j, 0), point(i + 1, j, 0), point(i + 1, j + 1, 0), point(i, j + 1, 0)};
        if (ids[0] >= 0 && ids[1] >= 0 && ids[2] >= 0 && ids[3] >= 0) mesh->InsertNextCell(VTK_QUAD, 4, ids);
      }
    return;
  }
  for (int k = 0; k + 1 < n[2]; ++k)
    for (int j = 0; j + 1 < n[1]; ++j)
      for (int i = 0; i + 1 < n[0]; ++i) {
        const vtkIdType ids[8] = {point(i, j, k),         point(i + 1, j, k),         point(i + 1, j + 1, k),
                                  point(i, j + 1, k),     point(i, j, k + 1),         point(i + 1, j, k + 1),
                                  point(i + 1, j + 1, k + 1), point(i, j + 1, k + 1)};
        bool inside = true;
        for (vtkIdType id : ids) inside = inside && id >= 0;
        if (inside) mesh->InsertNextCell(VTK_HEXAHEDRON, 8, ids);
      }
}

/// Point data (u, psi, gap, contact, lambda, error, exact, residual) and field data.
void attach_fields(vtkDataSet* mesh, const SolutionFields& fields, const std::vector<double>& lambda,
                   const std::vector<int>& contact, bool with_upper, bool with_residual,
                   const VtkFieldData& field_data) {
  std::vector<double> gap(fields.n), contact_d(fields.n), error;
  for (int i = 0; i < fields.n; ++i) {
    gap[i] = fields.u[i] - fields.psi[i];
    contact_d[i] = contact[i];
  }
  add_point_array(mesh, "u", fields.u);
  add_point_array(mesh, "psi", fields.psi);
  if (with_upper) add_point_array(mesh, "psi_upper", fields.psi_upper);
  add_point_array(mesh, "gap", gap);
  add_point_array(mesh, "contact", contact_d);
  add_point_array(mesh, "lambda", lambda);
  if (!fields.exact.empty()) {
    error.resize(fields.n);
    for (int i = 0; i < fields.n; ++i) error[i] = fields.u[i] - fields.exact[i];
    add_point_array(mesh, "error", error);
    add_point_array(mesh, "exact", fields.exact);
  }
  if (with_residual && fields.residual.size() == static_cast<std::size_t>(fields.n))
    add_point_array(mesh, "residual", fields.residual);
  mesh->GetPointData()->SetActiveScalars("u");

  vtkNew<vtkStringArray> name;
  name->SetName("case");
  name->InsertNextValue(field_data.case_name);
  mesh->GetFieldData()->AddArray(name);
  vtkNew<vtkStringArray> stage;
  stage->SetName("stage");
  stage->InsertNextValue(field_data.stage);
  mesh->GetFieldData()->AddArray(stage);
  for (const auto& [key, value] : field_data.numbers) {
    vtkNew<vtkDoubleArray> number;
    number->SetName(key.c_str());
    number->InsertNextValue(value);
    mesh->GetFieldData()->AddArray(number);
  }
}

/// The file's bytes, encoded in memory: the caller writes them with checked
/// writes (nn/atomic_file.hpp). VTK's own file writing reports success on a
/// full disk and prints its errors to standard output.
template <class Writer>
std::string encode_dataset(vtkDataSet* mesh) {
  vtkNew<Writer> writer;
  writer->WriteToOutputStringOn();
  writer->SetInputData(mesh);
  writer->SetDataModeToAppended();
  writer->EncodeAppendedDataOff();
  const int warnings = vtkObject::GetGlobalWarningDisplay();
  vtkObject::GlobalWarningDisplayOff();
  const int written = writer->Write();
  vtkObject::SetGlobalWarningDisplay(warnings);
  if (written != 1 || writer->GetErrorCode() != 0)
    throw RunError("VTK could not encode a " + std::string(mesh->GetClassName()) + " (error code " +
                   std::to_string(writer->GetErrorCode()) + ")");
  return writer->GetOutputString();
}

vtkNew<vtkPoints> make_points(const SolutionFields& fields) {
  vtkNew<vtkPoints> points;
  points->SetDataTypeToDouble();
  for (int i = 0; i < fields.n; ++i) {
    double x[3] = {0, 0, 0};
    for (int k = 0; k < fields.dim; ++k) x[k] = fields.points[i * fields.dim + k];
    points->InsertNextPoint(x);
  }
  return points;
}

}  // namespace

std::string encode_solution_vtu(const EvaluationGrid& grid, const SolutionFields& fields,
                                const std::vector<double>& lambda, const std::vector<int>& contact, bool with_upper,
                                bool with_residual, const VtkFieldData& field_data) {
  PINN_REQUIRE(fields.n == grid.size(), "fields and grid differ in size");
  vtkNew<vtkUnstructuredGrid> mesh;
  mesh->SetPoints(make_points(fields));
  add_cells(mesh, grid);
  attach_fields(mesh, fields, lambda, contact, with_upper, with_residual, field_data);
  return encode_dataset<vtkXMLUnstructuredGridWriter>(mesh);
}

std::optional<std::string> encode_solution_vtr(const EvaluationGrid& grid, const SolutionFields& fields,
                                               const std::vector<double>& lambda, const std::vector<int>& contact,
                                               bool with_upper, bool with_residual, const VtkFieldData& field_data) {
  PINN_REQUIRE(fields.n == grid.size(), "fields and grid differ in size");
  std::size_t nodes = 1;
  for (int k = 0; k < grid.dim; ++k) nodes *= static_cast<std::size_t>(grid.n_nodes[k]);
  if (static_cast<std::size_t>(grid.size()) != nodes) return std::nullopt;  // not every node inside: no rectilinear grid
  vtkNew<vtkRectilinearGrid> mesh;
  mesh->SetDimensions(grid.n_nodes[0], grid.dim > 1 ? grid.n_nodes[1] : 1, grid.dim > 2 ? grid.n_nodes[2] : 1);
  const int stride[3] = {1, grid.n_nodes[0], grid.n_nodes[0] * (grid.dim > 1 ? grid.n_nodes[1] : 1)};
  for (int k = 0; k < 3; ++k) {
    vtkNew<vtkDoubleArray> coordinates;
    const int n = k < grid.dim ? grid.n_nodes[k] : 1;
    for (int i = 0; i < n; ++i) coordinates->InsertNextValue(k < grid.dim ? fields.points[i * stride[k] * grid.dim + k] : 0.0);
    if (k == 0) mesh->SetXCoordinates(coordinates);
    if (k == 1) mesh->SetYCoordinates(coordinates);
    if (k == 2) mesh->SetZCoordinates(coordinates);
  }
  attach_fields(mesh, fields, lambda, contact, with_upper, with_residual, field_data);
  return encode_dataset<vtkXMLRectilinearGridWriter>(mesh);
}

std::string encode_rectilinear_2d(const std::vector<double>& x, const std::vector<double>& y,
                                  const std::vector<std::pair<std::string, std::vector<double>>>& fields) {
  vtkNew<vtkRectilinearGrid> mesh;
  mesh->SetDimensions(static_cast<int>(x.size()), static_cast<int>(y.size()), 1);
  vtkNew<vtkDoubleArray> xs, ys, zs;
  for (const double v : x) xs->InsertNextValue(v);
  for (const double v : y) ys->InsertNextValue(v);
  zs->InsertNextValue(0.0);
  mesh->SetXCoordinates(xs);
  mesh->SetYCoordinates(ys);
  mesh->SetZCoordinates(zs);
  for (const auto& [name, values] : fields) {
    PINN_REQUIRE(values.size() == x.size() * y.size(), "encode_rectilinear_2d: field " << name << " has "
                                                                                       << values.size() << " values");
    vtkNew<vtkDoubleArray> array;
    array->SetName(name.c_str());
    for (const double v : values) array->InsertNextValue(v);
    mesh->GetPointData()->AddArray(array);
  }
  return encode_dataset<vtkXMLRectilinearGridWriter>(mesh);
}

std::string encode_points_vtu(const SolutionFields& fields, const std::vector<double>& lambda,
                              const std::vector<int>& contact, bool with_upper, const VtkFieldData& field_data) {
  vtkNew<vtkUnstructuredGrid> mesh;
  mesh->SetPoints(make_points(fields));
  for (vtkIdType i = 0; i < fields.n; ++i) mesh->InsertNextCell(VTK_VERTEX, 1, &i);
  attach_fields(mesh, fields, lambda, contact, with_upper, false, field_data);
  return encode_dataset<vtkXMLUnstructuredGridWriter>(mesh);
}

}  // namespace pinn
